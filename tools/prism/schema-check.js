// Prism validates a request part (path, query, headers, body) only if Ajv compiles its schema:
// a schema that does not compile (GHL's `type: "any"`) is skipped without a word
// (prism-http's validateAgainstSchema wraps the compile in O.tryCatch), and every request to
// that operation then passes unchecked. This script compiles each part of every operation of
// the merged spec the way Prism builds it (parameters as one object schema per location, names
// lowercased; the JSON body schema) with Prism's own Ajv and options, and lists what fails.
//   node tools/prism/schema-check.js MERGED_SPEC.json    exit 1 when any part fails
'use strict';
const fs = require('fs');
const path = require('path');
const modules = path.join(__dirname, 'node_modules');
const Ajv = require(path.join(modules, 'ajv')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;

const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// prism-http/dist/validator/validators/utils.js: baseAjvOptions, coerced for parameters.
const options = { allErrors: true, allowUnionTypes: true, allowMatchingProperties: true,
                  strict: false, logger: false };
const ajvFor = coerce => {
  const ajv = new Ajv({ ...options, coerceTypes: coerce });
  addFormats(ajv);
  return ajv;
};
const ajv = { params: ajvFor(true), body: ajvFor(false) };
// The components once per instance (compiled as they are referenced, then cached); an
// operation's own "#/components/..." refs point there.
for (const instance of Object.values(ajv))
  instance.addSchema({ components: doc.components }, 'spec', true, false);
const toSpec = schema => JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"spec#/'));

const resolve = node => {
  let seen = 0;
  while (node && node.$ref && seen++ < 10)
    node = node.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o && o[k], doc);
  return node;
};

function compiles(kind, schema) {
  try {
    ajv[kind].compile(toSpec(schema));
    return null;
  } catch (e) {
    return e.message.split('\n')[0];
  }
}

const failures = [];
let parts = 0;
for (const [route, item] of Object.entries(doc.paths || {})) {
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters' || typeof op !== 'object') continue;
    const params = [...(item.parameters || []), ...(op.parameters || [])].map(resolve);
    for (const where of ['path', 'query', 'header']) {
      const mine = params.filter(p => p && p.in === where);
      if (!mine.length) continue;
      const properties = {};
      for (const p of mine) if (p.schema) properties[p.name.toLowerCase()] = p.schema;
      const required = mine.filter(p => p.required).map(p => p.name.toLowerCase());
      ++parts;
      const error = compiles('params', { type: 'object', properties, required });
      if (error) failures.push(`${method.toUpperCase()} ${route} ${where}: ${error}`);
    }
    const content = (resolve(op.requestBody) || {}).content || {};
    for (const [type, media] of Object.entries(content)) {
      if (!media.schema) continue;
      ++parts;
      const error = compiles('body', media.schema);
      if (error) failures.push(`${method.toUpperCase()} ${route} body (${type}): ${error}`);
    }
  }
}
for (const f of failures) console.log(`prism would not validate ${f}`);
console.log(`schema check: ${parts} request parts, ${failures.length} that Prism cannot validate`);
process.exit(failures.length ? 1 : 0);
