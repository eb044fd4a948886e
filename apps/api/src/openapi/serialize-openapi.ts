import { OpenAPIObject } from '@nestjs/swagger';

/** openapi.json's exact text: two-space JSON and a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
