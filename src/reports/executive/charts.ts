import * as echarts from 'echarts';
import type { ExecutiveReport } from './executive-model.js';

const BLUE = '#3b6fd4';
const GREY = '#b7c3d6';
const ORANGE = '#e8833a';

/** An ECharts option rendered on the server to an SVG string (no DOM, no browser). */
function render(width: number, height: number, option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
    ...option,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Twelve months of effective cost, the report's month highlighted, its forecast marked. */
export function trendChart(r: ExecutiveReport, width = 720, height = 260): string {
  const forecast = r.headline.forecast ? Number(r.headline.forecast) : null;
  return render(width, height, {
    grid: { left: 70, right: 20, top: 30, bottom: 40 },
    legend: { top: 0, data: ['Effective cost', ...(forecast !== null ? ['Forecast'] : [])] },
    xAxis: { type: 'category', data: r.trend.map((t) => t.month) },
    yAxis: { type: 'value' },
    series: [
      {
        name: 'Effective cost',
        type: 'bar',
        data: r.trend.map((t) => ({
          value: Number(t.effective),
          itemStyle: { color: t.month === r.period ? BLUE : GREY },
        })),
      },
      ...(forecast !== null
        ? [
            {
              name: 'Forecast',
              type: 'scatter' as const,
              symbol: 'diamond',
              symbolSize: 12,
              itemStyle: { color: ORANGE },
              data: r.trend.map((t) => (t.month === r.period ? forecast : null)),
            },
          ]
        : []),
    ],
  });
}

/** The largest teams this month against last month. */
export function teamsChart(r: ExecutiveReport, width = 720, height = 300): string {
  const teams = [...r.teams]
    .sort((a, b) => Number(b.current) - Number(a.current))
    .slice(0, 10)
    .reverse();
  return render(width, height, {
    grid: { left: 130, right: 30, top: 30, bottom: 30 },
    legend: { top: 0, data: ['Previous month', 'This month'] },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: teams.map((t) => t.key) },
    series: [
      {
        name: 'Previous month',
        type: 'bar',
        itemStyle: { color: GREY },
        data: teams.map((t) => Number(t.previous)),
      },
      {
        name: 'This month',
        type: 'bar',
        itemStyle: { color: BLUE },
        data: teams.map((t) => Number(t.current)),
      },
    ],
  });
}
