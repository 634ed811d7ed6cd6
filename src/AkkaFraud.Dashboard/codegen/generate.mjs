// The dashboard's TypeScript types of the node's contract, generated from the node's OpenAPI document
// (openapi/v1.json, which a test of the node keeps equal to what the node serves at /openapi/v1.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node generate.mjs <openapi.json> <output.ts>");
  process.exit(2);
}

// ASP.NET Core's web JSON defaults also *read* numbers sent as strings, so the document types every number as
// ["number", "string"] with a pattern. The node always *writes* JSON numbers, and the dashboard only reads what the
// node writes (and sends numbers), so a number is a number here.
const numeric = (schema) =>
  Array.isArray(schema.type) &&
  schema.type.includes("string") &&
  schema.type.some((t) => t === "number" || t === "integer") &&
  schema.type.every((t) => t === "number" || t === "integer" || t === "string" || t === "null");

const number = ts.factory.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword);
const nullable = ts.factory.createUnionTypeNode([number, ts.factory.createLiteralTypeNode(ts.factory.createNull())]);

const ast = await openapiTS(pathToFileURL(resolve(input)), {
  transform(schema) {
    if (numeric(schema)) {
      return schema.type.includes("null") ? nullable : number;
    }
    return undefined;
  },
});

mkdirSync(dirname(resolve(output)), { recursive: true });
writeFileSync(
  resolve(output),
  `// Generated from ${input} by codegen/generate.mjs at build time: do not edit, change the node's contract instead.\n\n` +
    astToString(ast),
);
console.log(`openapi-typescript: ${input} -> ${output}`);
