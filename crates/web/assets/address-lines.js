// An address as the lines on a label, top to bottom.
export function addressLines(a) {
  const town = `${a.postalCode} ${a.city}${a.region ? `, ${a.region}` : ""}`;
  return [a.name, a.line1, a.line2, town, a.country, a.phone].filter(Boolean);
}
