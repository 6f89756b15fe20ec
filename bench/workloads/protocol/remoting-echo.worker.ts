/**
 * The far end of P3 on its own thread (as a broker in another process would be): a RemotingServer whose only
 * processor answers SUCCESS with the request's body. Posts its port, closes on 'close'.
 */
import { parentPort } from 'node:worker_threads';
import { createResponse } from '@rocketnest/protocol';
import { RemotingServer } from '@rocketnest/remoting';

const port = parentPort;
if (port === null) throw new Error('remoting-echo.worker must run as a worker thread');

const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
server.registerDefaultProcessor((request) => createResponse(request, 0, { body: request.body }));
const address = await server.listen();
port.postMessage({ port: address.port });
port.on('message', (message: unknown) => {
  if (message === 'close') void server.close().then(() => port.close());
});
