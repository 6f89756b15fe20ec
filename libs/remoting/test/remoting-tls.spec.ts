import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  RemotingCommand,
  RemotingConnectError,
  RequestCode,
  SerializeType,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import { Resources } from './support/fixtures.js';
import { createSelfSignedCertificate, findOpenssl, SelfSignedCertificate } from './support/tls-certificate.js';

const ECHO = RequestCode.GET_ROUTEINFO_BY_TOPIC;
const { CHECK_TRANSACTION_STATE } = RequestCode;

const openssl = await findOpenssl();
if (openssl === null) console.warn('remoting TLS tests skipped: no `openssl` on PATH to make a test certificate');

function echo(request: RemotingCommand): RemotingCommand {
  return createResponse(request, 0, { extFields: request.extFields, body: request.body });
}

describe.skipIf(openssl === null)('RemotingServer and RemotingClient over TLS', { timeout: 10_000 }, () => {
  const resources = new Resources();
  let certificate: SelfSignedCertificate | null = null;
  afterEach(() => resources.closeAll(), 10_000);

  async function tlsMaterial(): Promise<SelfSignedCertificate> {
    certificate ??= await createSelfSignedCertificate(openssl ?? 'openssl');
    return certificate;
  }

  it('round-trips requests both ways over TLS', async () => {
    const { key, cert } = await tlsMaterial();
    const connected: RemotingConnection[] = [];
    const { server, addr } = await resources.server({ tls: { key, cert } }, (s) => s.registerProcessor(ECHO, echo));
    server.on('connect', (connection) => connected.push(connection));
    const client = resources.client({ tls: { ca: cert } });
    client.registerProcessor(CHECK_TRANSACTION_STATE, (request) => createResponse(request, 0, { remark: 'checked' }));

    const body = Buffer.alloc(100_000, 3);
    const calls = Array.from({ length: 500 }, (_, i) =>
      client.invoke(
        addr,
        createRequest(ECHO, {
          extFields: { i: String(i) },
          body,
          serializeType: i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ,
        }),
      ),
    );
    const responses = await Promise.all(calls);
    responses.forEach((response, i) => {
      expect(response.extFields?.i).toBe(String(i));
      expect(response.body?.equals(body)).toBe(true);
    });
    const reply = await connected[0].invoke(createRequest(CHECK_TRANSACTION_STATE), 3000);
    expect(reply.remark).toBe('checked');
  });

  it('refuses a server certificate the client does not trust', async () => {
    const { key, cert } = await tlsMaterial();
    const { addr } = await resources.server({ tls: { key, cert } }, (s) => s.registerProcessor(ECHO, echo));
    const client = resources.client({ tls: {} });
    await expect(client.invoke(addr, createRequest(ECHO))).rejects.toBeInstanceOf(RemotingConnectError);
  });

  it('drops a plain-TCP client on a TLS server and keeps serving TLS clients', async () => {
    const { key, cert } = await tlsMaterial();
    const { addr } = await resources.server({ tls: { key, cert } }, (s) => s.registerProcessor(ECHO, echo));
    const plain = resources.client();
    await expect(plain.invoke(addr, createRequest(ECHO))).rejects.toBeInstanceOf(RemotingConnectError);
    const secure = resources.client({ tls: { ca: cert } });
    expect((await secure.invoke(addr, createRequest(ECHO))).code).toBe(0);
  });
});
