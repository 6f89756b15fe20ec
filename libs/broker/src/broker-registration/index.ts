export * from './broker-registration-client.js';
