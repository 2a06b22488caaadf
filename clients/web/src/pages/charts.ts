// ECharts with only the charts and components the workforce dashboard draws,
// in a module of its own: it is most of the dashboard's script, so the page
// loads it with import() beside its first queries and shows their numbers
// while it arrives.

import { BarChart, HeatmapChart, LineChart, SankeyChart } from "echarts/charts";
import {
  AriaComponent, GridComponent, LegendPlainComponent, MarkPointComponent, TooltipComponent, VisualMapContinuousComponent,
} from "echarts/components";
import { init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([HeatmapChart, LineChart, BarChart, SankeyChart, GridComponent, VisualMapContinuousComponent, TooltipComponent,
  LegendPlainComponent, AriaComponent, MarkPointComponent, CanvasRenderer]);

export const chartIn = (element: HTMLElement) => init(element, undefined, { renderer: "canvas" });
