export * from './errors.js';
export * from './command/language-code.js';
export * from './command/remoting-command.js';
export * from './command/json-header.js';
export * from './command/rocketmq-header.js';
export * from './frame/frame-codec.js';
export * from './logger.js';
export * from './message/message-types.js';
