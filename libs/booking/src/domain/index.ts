/**
 * Booking's domain-only entry (`@app/booking/domain`): the seat rules (live hold, sold seat)
 * and the seat refusals other contexts share, with no module, adapter or framework behind
 * it. Importable from any layer.
 */
export * from './live-hold.rule';
export * from './sold-seat.rule';
export * from './performance-started.rule';
export * from './booking-errors';
export * from './seat-sale';
export * from './seat-status';
