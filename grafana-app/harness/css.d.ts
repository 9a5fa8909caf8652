// The harness build loads stylesheets as text (webpack asset/source).
declare module '*.css' {
  const css: string;
  export default css;
}
