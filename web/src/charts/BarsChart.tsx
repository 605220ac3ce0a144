/** Bar charts (Recharts), loaded only by screens that draw them: a category axis and one bar per series. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface BarSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
}

interface Props {
  readonly data: readonly Record<string, string | number>[];
  readonly category: string;
  readonly series: readonly BarSeries[];
  readonly stacked?: boolean;
}

export default function BarsChart({ data, category, series, stacked }: Props) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data as Record<string, string | number>[]} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey={category} tick={{ fontSize: 12 }} interval={0} />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
        <Tooltip />
        {/* In the series' own order (Recharts sorts by name otherwise), which is the order the bars are drawn in. */}
        {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => series.findIndex((s) => s.label === item.value)} /> : null}
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={stacked ? 'stack' : undefined} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
