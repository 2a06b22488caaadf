// CSV files are bundled as text (esbuild's text loader).
declare module "*.csv" {
  const text: string;
  export default text;
}
