// Jest transform for the ES-module-only packages listed in jest.config.js: compiles their
// JavaScript to CommonJS and changes nothing else (class fields keep their define semantics).
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText, sourceMapText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        allowJs: true,
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        useDefineForClassFields: true,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText };
  },
};
