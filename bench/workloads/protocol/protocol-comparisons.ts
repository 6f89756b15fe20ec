/**
 * Issue 3's protocol and remoting micro-benchmarks: codec rates against the least work the same bytes need,
 * and pipelined request/response against a plain node:net echo, each as a ratio measured in the same run.
 */
import { SerializeType } from '@rocketnest/protocol';
import type { Comparison } from '../../harness/comparison.js';
import { sendRequestCodec, sendRequestFloor, pullResponseCodec, pullResponseFloor } from './codec-workloads.js';
import { cpuLoopWorkload } from './cpu-loop.workload.js';
import { netEchoPipelineWorkload, remotingPipelineWorkload } from './pipeline-workloads.js';

const sendJson = () =>
  cpuLoopWorkload({
    key: 'rocketnest-codec/send-json',
    label: 'Rocketnest codec, SEND_MESSAGE_V2 (JSON header)',
    owner: 'rocketnest',
    settings: { operation: 'typed header -> frame -> FrameDecoder -> typed header', body: '1 KiB' },
    prepare: () => sendRequestCodec(SerializeType.JSON),
  });

export function protocolComparisons(): Comparison[] {
  return [
    {
      id: 'P1',
      title: 'codec: 1 KiB SEND_MESSAGE_V2 request, encode + decode (JSON header, the Java default)',
      metric: 'opsPerSec',
      subject: sendJson(),
      baselines: [
        cpuLoopWorkload({
          key: 'floor-codec/send-json',
          label: 'floor: JSON.stringify/parse + framing',
          owner: 'peer',
          settings: { operation: 'header object -> JSON frame -> JSON.parse', body: '1 KiB' },
          prepare: sendRequestFloor,
        }),
      ],
      targets: [],
      note: 'one op = one frame encoded and decoded; the floor does no typing, validation or field mapping',
    },
    {
      id: 'P1-rocketmq',
      title: 'codec: the same request with the ROCKETMQ binary header',
      metric: 'opsPerSec',
      subject: cpuLoopWorkload({
        key: 'rocketnest-codec/send-rocketmq',
        label: 'Rocketnest codec, SEND_MESSAGE_V2 (ROCKETMQ header)',
        owner: 'rocketnest',
        settings: { operation: 'typed header -> frame -> FrameDecoder -> typed header', body: '1 KiB' },
        prepare: () => sendRequestCodec(SerializeType.ROCKETMQ),
      }),
      baselines: [sendJson()],
      targets: [],
    },
    {
      id: 'P2',
      title: 'codec: PULL_MESSAGE response with 32 x 1 KiB messages, encode + decode to MessageExt',
      metric: 'opsPerSec',
      subject: cpuLoopWorkload({
        key: 'rocketnest-codec/pull-32',
        label: 'Rocketnest codec, pull response -> 32 MessageExt',
        owner: 'rocketnest',
        settings: { operation: 'response -> frame -> FrameDecoder -> header + decodeStoredMessages', messages: 32 },
        prepare: pullResponseCodec,
      }),
      baselines: [
        cpuLoopWorkload({
          key: 'floor-codec/pull-32',
          label: 'floor: copy + walk of the length fields',
          owner: 'peer',
          settings: { operation: 'frame copy, record sizes walked', messages: 32 },
          prepare: pullResponseFloor,
        }),
      ],
      targets: [],
    },
    {
      id: 'P3',
      title: 'remoting: pipelined request/response over loopback, 64 in flight',
      metric: 'opsPerSec',
      subject: remotingPipelineWorkload(),
      baselines: [netEchoPipelineWorkload()],
      targets: [],
      note: 'server on a worker thread in both; ours decodes, dispatches and encodes a response per request',
    },
  ];
}
