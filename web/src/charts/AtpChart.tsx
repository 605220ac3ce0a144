/**
 * The ATP chart (Recharts): supply and promised demand as bars, projected and ATP as steps, per day. Every date on
 * the axis and in the tooltip has its year: a horizon may run into the next year, and preorders launch a year out.
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate } from '../format.ts';

export interface AtpDay {
  readonly date: string;
  readonly supply: number;
  readonly demand: number;
  readonly projected: number;
  readonly atp: number;
}

export default function AtpChart({ days, quantity }: { days: readonly AtpDay[]; quantity: number }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={days as AtpDay[]} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        {/* The first day (today) and the horizon's last are always on the axis. */}
        <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} interval="preserveStartEnd" tickFormatter={(d: string) => formatDate(d)} />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
        <Tooltip labelFormatter={(d) => formatDate(String(d))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <ReferenceLine y={quantity} stroke="#868e96" strokeDasharray="4 4" label={{ value: `qty ${quantity}`, fontSize: 11, position: 'insideTopLeft' }} />
        <Bar dataKey="supply" name="Supply" fill="#40c057" isAnimationActive={false} />
        <Bar dataKey="demand" name="Promised demand" fill="#fd7e14" isAnimationActive={false} />
        <Line type="stepAfter" dataKey="projected" name="Projected" stroke="#1c7ed6" dot={false} isAnimationActive={false} />
        <Line type="stepAfter" dataKey="atp" name="ATP" stroke="#7048e8" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
