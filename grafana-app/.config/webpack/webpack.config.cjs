// The @grafana/create-plugin build, written as CommonJS so webpack-cli loads it on Node 20
// without a TypeScript loader. `--env harness` builds the stand-alone harness bundle instead.
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { EsbuildPlugin } = require('esbuild-loader');

const root = path.resolve(__dirname, '../..');
// The workspace packages the app bundles (@ussdwatch/common), read from their TypeScript.
const workspaceSources = [path.join(root, 'src'), path.join(root, 'harness'), path.resolve(root, '../common/src')];
const pluginJson = require(path.join(root, 'src/plugin.json'));
const pkg = require(path.join(root, 'package.json'));

// What Grafana itself provides to plugins at run time (create-plugin's list).
const GRAFANA_EXTERNALS = [
  'lodash', 'jquery', 'moment', 'slate', 'emotion', '@emotion/react', '@emotion/css', 'prismjs',
  'slate-plain-serializer', '@grafana/slate-react', 'react', 'react-dom', 'react-redux', 'redux',
  'rxjs', 'react-router', 'react-router-dom', 'd3', 'angular', '@grafana/ui', '@grafana/runtime', '@grafana/data',
];

const common = (mode) => ({
  mode,
  context: root,
  devtool: mode === 'production' ? 'source-map' : false,
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'],
    // TypeScript NodeNext imports name the emitted .js file.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
  },
  module: {
    rules: [
      // Requests from our own code take a workspace package's `source` export, as typecheck and
      // vitest do; packages in node_modules keep their published builds (several under
      // @grafana/ui declare a `source` condition of their own).
      { include: workspaceSources, resolve: { conditionNames: ['source', '...'] } },
      { test: /\.[tj]sx?$/, exclude: /node_modules/, loader: 'esbuild-loader', options: { target: 'es2020', jsx: 'automatic' } },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, type: 'asset/source' },
      { test: /\.(png|jpe?g|gif|svg|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
});

function pluginBuild() {
  return {
    ...common('production'),
    entry: { module: './src/module.tsx' },
    externals: [
      ...GRAFANA_EXTERNALS,
      // Grafana's own modules (grafana/app/...) are also provided at run time.
      ({ request }, callback) => (request && request.startsWith('grafana/') ? callback(undefined, request.slice(8)) : callback()),
    ],
    output: {
      clean: true,
      filename: '[name].js',
      path: path.join(root, 'dist'),
      publicPath: `public/plugins/${pluginJson.id}/`,
      library: { type: 'amd' },
      uniqueName: pluginJson.id,
    },
    optimization: { minimizer: [new EsbuildPlugin({ target: 'es2020' })] },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'README.md', to: '.' },
          { from: 'src/img', to: 'img' },
          {
            from: 'src/plugin.json',
            to: '.',
            transform: (content) =>
              content.toString().replace('%VERSION%', pkg.version).replace('%TODAY%', new Date().toISOString().slice(0, 10)),
          },
        ],
      }),
    ],
  };
}

function harnessBuild() {
  return {
    ...common('development'),
    entry: { harness: './harness/entry.tsx' },
    output: { clean: true, filename: '[name].js', path: path.join(root, '.harness-dist'), publicPath: '/public/' },
    optimization: { splitChunks: false },
  };
}

module.exports = (env = {}) => (env.harness ? harnessBuild() : pluginBuild());
