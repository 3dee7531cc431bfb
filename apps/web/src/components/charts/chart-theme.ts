/**
 * What every chart shares: axis text and grid lines in the page's own colours (currentColor is the
 * chart box's muted text colour, readable in both themes), and no keyboard layer of recharts' own —
 * the figure's data table is the accessible way through the numbers.
 */
export const AXIS_TICK = { fill: "currentColor", fontSize: 12 } as const;
export const GRID_STROKE = "currentColor";
export const GRID_OPACITY = 0.25;
