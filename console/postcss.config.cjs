// Mantine's PostCSS preset: its rem/em functions and light/dark mixins in the console's own CSS.
module.exports = { plugins: { 'postcss-preset-mantine': {} } };
