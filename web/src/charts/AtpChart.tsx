/**
 * The ATP chart (Recharts), per day: supply as a bar up from zero and promised demand as a bar down from it (one
 * slot a day, so 91 days still leave each bar a few pixels wide), projected and ATP as steps. ATP is the wide pale
 * step and projected the dashed one drawn over it, so both show where they are equal. Every date on the axis and in
 * the tooltip has its year: a horizon may run into the next year, and preorders launch a year out.
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LegendPayload } from 'recharts';
import { formatDate, formatNumber } from '../format.ts';

export interface AtpDay {
  readonly date: string;
  readonly supply: number;
  readonly demand: number;
  readonly projected: number;
  readonly atp: number;
}

/** The legend in reading order: what comes in, what is promised, and what they leave. */
const LEGEND_ORDER = ['Supply', 'Promised demand', 'Projected', 'ATP'];
const legendOrder = (item: LegendPayload) => LEGEND_ORDER.indexOf(String(item.value));

export default function AtpChart({ days, quantity }: { days: readonly AtpDay[]; quantity: number }) {
  const data = days.map((d) => ({ ...d, demandDown: -d.demand }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} barCategoryGap="8%" stackOffset="sign">
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        {/* The first day (today) and the horizon's last are always on the axis. */}
        <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} interval="preserveStartEnd" tickFormatter={(d: string) => formatDate(d)} />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
        {/* Demand is drawn below zero; the tooltip says how many units, as the table does (projected and ATP keep their sign). */}
        <Tooltip labelFormatter={(d) => formatDate(String(d))} formatter={(value, _name, item) => formatNumber(item.dataKey === 'demandDown' ? -Number(value) : Number(value))} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={legendOrder} />
        <ReferenceLine y={0} stroke="#adb5bd" />
        <ReferenceLine y={quantity} stroke="#868e96" strokeDasharray="4 4" label={{ value: `qty ${quantity}`, fontSize: 11, position: 'insideTopLeft' }} />
        <Bar dataKey="supply" name="Supply" fill="#40c057" stackId="flow" isAnimationActive={false} />
        <Bar dataKey="demandDown" name="Promised demand" fill="#fd7e14" stackId="flow" isAnimationActive={false} />
        <Line type="stepAfter" dataKey="atp" name="ATP" stroke="#b197fc" strokeWidth={5} strokeOpacity={0.8} dot={false} isAnimationActive={false} />
        <Line type="stepAfter" dataKey="projected" name="Projected" stroke="#1864ab" strokeWidth={1.5} strokeDasharray="5 3" dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
