export * from './broker-registration-client.js';
export * from './broker-registration-options.js';
export * from './register-broker-request.js';
