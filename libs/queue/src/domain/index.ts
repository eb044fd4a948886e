/**
 * The queue's domain-only entry (`@app/queue/domain`): what other contexts may use of its
 * rules, with no module, adapter or framework behind it. Importable from any layer.
 */
export * from './active-token.rule';
export * from './queue-token';
export { MAX_QUEUE_SETTING } from './admission-policy';
