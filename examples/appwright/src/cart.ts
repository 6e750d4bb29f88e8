// The app's price rules, shared with the mobile client.
export type Line = { sku: string; unitCents: number; quantity: number };

export function totalCents(lines: Line[], discountPercent = 0): number {
  const gross = lines.reduce((sum, l) => sum + l.unitCents * l.quantity, 0);
  return Math.round(gross * (1 - discountPercent / 100));
}
