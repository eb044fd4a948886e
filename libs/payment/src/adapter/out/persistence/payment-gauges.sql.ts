/** Payment's share of the metrics statement (column `payments`: one per seat sold). */
export function paymentGaugeColumnsSql(): string {
  return `(SELECT count(*) FROM payments)::int AS payments`;
}
