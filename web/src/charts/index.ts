/** The chart modules, split from the screens' chunks: Recharts loads when a chart first shows. */
import { lazy } from 'react';

export const BarsChart = lazy(() => import('./BarsChart.tsx'));
export const AtpChart = lazy(() => import('./AtpChart.tsx'));
