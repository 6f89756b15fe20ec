export * from './errors.js';
export * from './client-options.js';
export * from './message/message.js';
export * from './api/mq-client-api.js';
export * from './instance/client-instance.js';
export * from './instance/topic-route-table.js';
export * from './producer/producer-options.js';
export * from './producer/producer.js';
