import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** An OpenAPI 3.0 document, read as plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface CheckedExample {
  /** JSON pointer of the example in the document, e.g. #/paths/~1concerts/get/responses/... */
  where: string;
  /** Ajv's complaints; empty when the example matches its schema. */
  errors: string[];
}

const SCHEMAS_ID = 'openapi-components';
const COMPONENT_SCHEMA_REF = '#/components/schemas/';

/**
 * Every example of an OpenAPI 3.0 document, each checked against its own schema: the examples
 * of media types (request bodies, responses, parameter content), of parameters and headers,
 * and the `example` of every schema and property. An example with no schema to check it
 * against is reported as an error. An object schema that lists its properties is read as
 * closed (no other property), unless it says otherwise or takes part in an allOf, so that a
 * misspelt field in an example is caught.
 */
export function checkExamples(document: JsonObject): CheckedExample[] {
  const components = asObject(document.components) ?? {};
  const schemas = asObject(components.schemas) ?? {};
  const combined = namesUsedInAllOf(document);
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  addOpenApiFormats(ajv);
  // Annotations of OpenAPI 3.0 schemas that JSON Schema does not know.
  ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
  ajv.addSchema(
    {
      $id: SCHEMAS_ID,
      definitions: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [
          name,
          toJsonSchema(schema, !combined.has(name)),
        ]),
      ),
    },
    SCHEMAS_ID,
  );

  const results: CheckedExample[] = [];
  const compiled = new Map<string, ValidateFunction>();
  const check = (schema: Json | undefined, example: Json, where: string) => {
    if (schema === undefined) {
      results.push({ where, errors: ['an example with no schema to check it against'] });
      return;
    }
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      try {
        validate = ajv.compile(toJsonSchema(schema, true) as object);
      } catch (error) {
        results.push({ where, errors: [`its schema does not compile: ${String(error)}`] });
        return;
      }
      compiled.set(key, validate);
    }
    const valid = validate(example);
    results.push({
      where,
      errors: valid
        ? []
        : (validate.errors ?? []).map(
            (error) => `${error.instancePath || '(root)'} ${error.message ?? error.keyword}`,
          ),
    });
  };

  const resolve = (value: Json | undefined): JsonObject | undefined => {
    const object = asObject(value);
    if (object && typeof object.$ref === 'string') return asObject(pointer(document, object.$ref));
    return object;
  };

  /** A media type map, a parameter or a header: example, examples and content. */
  const visitCarrier = (carrier: JsonObject | undefined, where: string) => {
    if (!carrier) return;
    if ('example' in carrier) check(carrier.schema, carrier.example, `${where}/example`);
    const examples = asObject(carrier.examples);
    for (const [name, entry] of Object.entries(examples ?? {})) {
      const example = resolve(entry);
      if (example && 'value' in example) {
        check(carrier.schema, example.value, `${where}/examples/${escape(name)}`);
      } else if (example && 'externalValue' in example) {
        results.push({
          where: `${where}/examples/${escape(name)}`,
          errors: ['an externalValue example cannot be checked here'],
        });
      }
    }
    const content = asObject(carrier.content);
    for (const [mediaType, media] of Object.entries(content ?? {})) {
      visitCarrier(asObject(media), `${where}/content/${escape(mediaType)}`);
    }
    const headers = asObject(carrier.headers);
    for (const [name, header] of Object.entries(headers ?? {})) {
      visitCarrier(resolve(header), `${where}/headers/${escape(name)}`);
    }
  };

  for (const [path, item] of Object.entries(asObject(document.paths) ?? {})) {
    const pathItem = asObject(item) ?? {};
    const at = `#/paths/${escape(path)}`;
    asArray(pathItem.parameters).forEach((parameter, index) =>
      visitCarrier(resolve(parameter), `${at}/parameters/${index}`),
    );
    for (const [method, value] of Object.entries(pathItem)) {
      if (method === 'parameters') continue;
      const operation = asObject(value);
      if (!operation || !('responses' in operation)) continue;
      const where = `${at}/${method}`;
      asArray(operation.parameters).forEach((parameter, index) =>
        visitCarrier(resolve(parameter), `${where}/parameters/${index}`),
      );
      visitCarrier(resolve(operation.requestBody), `${where}/requestBody`);
      for (const [status, response] of Object.entries(asObject(operation.responses) ?? {})) {
        visitCarrier(resolve(response), `${where}/responses/${status}`);
      }
    }
  }
  for (const kind of ['parameters', 'requestBodies', 'responses', 'headers']) {
    for (const [name, entry] of Object.entries(asObject(components[kind]) ?? {})) {
      visitCarrier(resolve(entry), `#/components/${kind}/${escape(name)}`);
    }
  }

  // The example of every schema and property, wherever the schema is written.
  walkSchemas(document, '#', (schema, where) => {
    if ('example' in schema) check(withoutExample(schema), schema.example, `${where}/example`);
  });
  return results;
}

/** Turns an OpenAPI 3.0 schema into the JSON Schema (draft-07) that Ajv reads. */
function toJsonSchema(schema: Json, closeObjects: boolean): Json {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, closeObjects));
  const object = asObject(schema);
  if (!object) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === '$ref' && typeof value === 'string') {
      if (!value.startsWith(COMPONENT_SCHEMA_REF)) {
        throw new Error(`A schema $ref outside #/components/schemas: ${value}`);
      }
      out.$ref = `${SCHEMAS_ID}#/definitions/${value.slice(COMPONENT_SCHEMA_REF.length)}`;
    } else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(
        Object.entries(asObject(value) ?? {}).map(([name, property]) => [
          name,
          toJsonSchema(property, closeObjects),
        ]),
      );
    } else if (key === 'allOf') {
      // The parts of an allOf each see only their own properties: none of them may be closed.
      out[key] = asArray(value).map((item) => toJsonSchema(item, false));
    } else if (key === 'example' || key === 'enum' || key === 'default') {
      out[key] = value;
    } else if (typeof value === 'object' && value !== null) {
      out[key] = toJsonSchema(value, closeObjects);
    } else {
      out[key] = value;
    }
  }
  // OpenAPI 3.0's boolean exclusiveMinimum/Maximum are numbers in JSON Schema.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true) out[flag] = out[bound];
      else delete out[flag];
      if (out[flag] !== undefined) delete out[bound];
    }
  }
  if (closeObjects && asObject(out.properties) && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  return out;
}

/** OpenAPI's own formats, as OpenAPI defines them. */
function addOpenApiFormats(ajv: Ajv): void {
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat('binary', () => true);
  ajv.addFormat('password', () => true);
}

/** Names of the component schemas referenced from an allOf (they must stay open). */
function namesUsedInAllOf(document: JsonObject): Set<string> {
  const names = new Set<string>();
  walkSchemas(document, '#', (schema) => {
    for (const part of asArray(schema.allOf)) {
      const ref = asObject(part)?.$ref;
      if (typeof ref === 'string' && ref.startsWith(COMPONENT_SCHEMA_REF)) {
        names.add(ref.slice(COMPONENT_SCHEMA_REF.length));
      }
    }
  });
  return names;
}

/** Calls visit on every object found under a `schema` key or in components.schemas, deep. */
function walkSchemas(
  node: Json,
  where: string,
  visit: (schema: JsonObject, where: string) => void,
  inSchema = false,
): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walkSchemas(item, `${where}/${index}`, visit, inSchema));
    return;
  }
  const object = asObject(node);
  if (!object) return;
  if (inSchema) visit(object, where);
  for (const [key, value] of Object.entries(object)) {
    const at = `${where}/${escape(key)}`;
    if (inSchema) {
      if (key === 'example' || key === 'enum' || key === 'default') continue;
      if (key === 'properties') {
        for (const [name, property] of Object.entries(asObject(value) ?? {})) {
          walkSchemas(property, `${at}/${escape(name)}`, visit, true);
        }
        continue;
      }
      walkSchemas(value, at, visit, true);
    } else if (key === 'schema') {
      walkSchemas(value, at, visit, true);
    } else if (key === 'schemas' && where === '#/components') {
      for (const [name, schema] of Object.entries(asObject(value) ?? {})) {
        walkSchemas(schema, `${at}/${escape(name)}`, visit, true);
      }
    } else if (key !== 'example' && key !== 'examples') {
      walkSchemas(value, at, visit, false);
    }
  }
}

function withoutExample(schema: JsonObject): JsonObject {
  const { example: _example, ...rest } = schema;
  return rest;
}

function pointer(document: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported: ${ref}`);
  let node: Json | undefined = document;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = asObject(node)?.[key];
  }
  return node;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function asObject(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
