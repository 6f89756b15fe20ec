/**
 * CheckClientRequestBody, the CHECK_CLIENT_CONFIG (46) body (remoting-protocol.md 2.4.3): sent by Java
 * consumers before starting with an SQL92 subscription.
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asObject, asOptionalString, asString, parseJsonBody } from './json-read.js';
import { SubscriptionData, subscriptionDataFromJson, subscriptionDataToJson } from './subscription-data.js';

export interface CheckClientRequestBody {
  clientId: string;
  group: string;
  subscriptionData: SubscriptionData;
  namespace?: string;
}

export function encodeCheckClientRequestBody(body: CheckClientRequestBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      clientId: body.clientId,
      group: body.group,
      namespace: body.namespace,
      subscriptionData: subscriptionDataToJson(body.subscriptionData),
    },
    mode,
  );
}

export function decodeCheckClientRequestBody(body: Buffer | string): CheckClientRequestBody {
  const object = parseJsonBody(body, 'CheckClientRequestBody');
  const decoded: CheckClientRequestBody = {
    clientId: asString(object['clientId']),
    group: asString(object['group']),
    subscriptionData: subscriptionDataFromJson(asObject(object['subscriptionData'])),
  };
  const namespace = asOptionalString(object['namespace']);
  if (namespace !== undefined) decoded.namespace = namespace;
  return decoded;
}
