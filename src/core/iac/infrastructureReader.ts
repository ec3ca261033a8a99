// Entry point: a SAM/CloudFormation template or an OpenAPI document (YAML or JSON) -> simulator configuration.
import { warning } from '../findings.ts';
import type { Warning } from '../findings.ts';
import type { SimConfig } from '../config/model.ts';
import { readAlb } from './albReader.ts';
import { BudgetExceeded, ReadBudget } from '../config/budget.ts';
import { readCloudFormation } from './cfnReader.ts';
import { issuerFormatTraps } from './cognitoIssuerFormat.ts';
import { ConfigBuilder } from './configBuilder.ts';
import { IntrinsicResolver, isPlaceholder } from './intrinsics.ts';
import { isObj, own } from './objects.ts';
import { isOpenApiDocument, openApiKind, readOpenApiDocument } from './openApiReader.ts';
import type { ReadContext } from './readerContext.ts';
import { readSam } from './samReader.ts';
import { parseTemplate } from './templateParse.ts';

/** What reading one file produced: a configuration when the file is infrastructure code, and what was noticed. */
export interface InfrastructureReadResult {
  config: SimConfig | undefined;
  warnings: Warning[];
}

// YAML: a top-level key at column 0; JSON: the quoted key anywhere (JSON is usually indented).
const YAML_SIGNATURE = /^["']?(?:Resources|AWSTemplateFormatVersion|openapi|swagger)["']?[ \t]*:/m;
const JSON_SIGNATURE = /"(?:Resources|AWSTemplateFormatVersion|openapi|swagger)"\s*:/;

/** Cheap text check before parsing, so a workspace scan can skip most YAML/JSON files. */
export function looksLikeInfrastructure(text: string): boolean {
  const head = text.slice(0, 65536);
  return YAML_SIGNATURE.test(head) || JSON_SIGNATURE.test(head);
}

/**
 * Read a template or OpenAPI document under a work budget; never throws (unreadable input, or input that needs
 * more work than any real template, gives a warning naming the file and no config).
 */
export function readInfrastructureFile(
  fileName: string,
  text: string,
  budget: ReadBudget = new ReadBudget(),
): InfrastructureReadResult {
  try {
    return readParsed(fileName, text, budget);
  } catch (err) {
    if (err instanceof BudgetExceeded) return tooComplex(fileName, err.message);
    const message = err instanceof Error ? err.message : String(err);
    return {
      config: undefined,
      warnings: [warning('iac-read-error', `${fileName}: could not be read: ${message}`)],
    };
  }
}

function tooComplex(fileName: string, reason: string): InfrastructureReadResult {
  return {
    config: undefined,
    warnings: [
      warning(
        'iac-too-complex',
        `${fileName}: not read: ${reason}; reading stops there so a hostile file cannot hang the tool`,
      ),
    ],
  };
}

function readParsed(fileName: string, text: string, budget: ReadBudget): InfrastructureReadResult {
  const parsed = parseTemplate(text, budget);
  if (parsed.tooComplex !== undefined) return tooComplex(fileName, parsed.tooComplex);
  const root = parsed.root;
  const firstError = parsed.errors[0];
  if (!isObj(root)) {
    const why = firstError ? `${firstError.message} (line ${firstError.line})` : 'not a YAML or JSON mapping';
    return {
      config: undefined,
      warnings: [warning(firstError ? 'iac-parse-error' : 'not-infrastructure', `${fileName}: ${why}`)],
    };
  }
  const isTemplate = isObj(own(root, 'Resources'));
  if (!isTemplate && !isOpenApiDocument(root)) {
    return {
      config: undefined,
      warnings: [
        warning(
          'not-infrastructure',
          `${fileName}: no Resources (CloudFormation/SAM) or openapi/swagger key`,
        ),
      ],
    };
  }
  const out = new ConfigBuilder(fileName);
  for (const error of parsed.errors.slice(0, 3)) {
    out.warn(
      'iac-parse-error',
      `${fileName}: ${error.message}; the rest of the file was read as far as possible`,
      error.line,
    );
  }
  const ctx: ReadContext = {
    file: fileName,
    root,
    resolver: new IntrinsicResolver(root, budget),
    lineOf: parsed.lineOf,
    out,
  };
  if (isTemplate) {
    readSam(ctx);
    readCloudFormation(ctx);
    readAlb(ctx);
  } else {
    readStandaloneOpenApi(ctx, fileName);
  }
  const config = out.build();
  if (isTemplate) config.warnings.push(...issuerFormatTraps(ctx, config));
  if (config.routes.length === 0) {
    config.warnings.unshift(
      warning('no-routes', `${fileName}: no API Gateway or load balancer routes were found in this file`),
    );
  }
  return { config, warnings: config.warnings };
}

// A standalone OpenAPI file names its API by its title (the file name when the title is computed).
function readStandaloneOpenApi(ctx: ReadContext, fileName: string): void {
  const r = ctx.resolver;
  const title = r.text(own(own(ctx.root, 'info'), 'title'));
  const base =
    fileName
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.(ya?ml|json|template)$/i, '') ?? fileName;
  const api = title && !isPlaceholder(title) ? title : base;
  const kind = openApiKind(ctx.root);
  const basePath = r.text(own(ctx.root, 'basePath'));
  const stage = basePath ? /^\/?([^/]+)\/?$/.exec(basePath)?.[1] : undefined;
  ctx.out.addApi(api, kind, stage, `\${ApiId:${api}}`);
  if (basePath && basePath !== '/') {
    ctx.out.warn(
      'basepath-ignored',
      `${api}: basePath ${basePath} is not part of the route paths (API Gateway imports ignore it by default)${stage ? `; used as the stage name` : ''}`,
      ctx.lineOf(ctx.root, 'basePath'),
    );
  }
  readOpenApiDocument(ctx.root, { api, apiKind: kind }, ctx);
}
