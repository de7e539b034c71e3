// The templates API's shapes: the editor's own template schemas (lib/campaigns), named for OpenAPI,
// refusing a webhook key a template does not keep (the editor's save drops them).
import { z } from "zod";
import { destinationTemplateSchema, templateInputJsonSchema, templatePatchJsonSchema } from "../../campaigns/destination-template-schemas";

export const templateBodySchema = templateInputJsonSchema.meta({ id: "TemplateInput" });
export const templatePatchBodySchema = templatePatchJsonSchema.meta({ id: "TemplatePatch" });
export const templateSchema = destinationTemplateSchema.meta({ id: "Template" });
export const templateListSchema = z.object({ templates: z.array(templateSchema) });
export const savedTemplateSchema = destinationTemplateSchema
  .extend({ cleared: z.array(z.string()).meta({ description: 'What was not saved because it is or may be a secret, in words ("the value of the header \\"X-Api-Key\\"")' }) })
  .meta({ id: "SavedTemplate" });
