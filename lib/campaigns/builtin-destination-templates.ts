// The destination templates Hookline ships with: real receivers' URLs, field names and auth headers,
// each with where to find its secret. {{ }} names that read no data (slack_webhook_path) mark what the
// marketer fills in; secret headers are empty. Members' own templates live in the database.
import type { DestinationTemplateView } from "./destination-template-schemas";

type BuiltIn = Omit<DestinationTemplateView, "builtIn" | "createdBy" | "updatedAt">;

const json = (value: unknown) => JSON.stringify(value, null, 2);

const BUILT_INS: BuiltIn[] = [
  {
    id: "builtin-slack",
    name: "Slack incoming webhook",
    description: "Post a message to a Slack channel.",
    secretNote:
      "The URL is the secret: anyone who has it can post to the channel. In Slack, open api.slack.com/apps › your app › Incoming Webhooks › Add New Webhook to Workspace, pick the channel and copy the Webhook URL; replace {{slack_webhook_path}} with the part after /services/ (T…/B…/…).",
    webhook: {
      method: "POST",
      url: "https://hooks.slack.com/services/{{slack_webhook_path}}",
      contentType: "application/json",
      fields: [{ key: "text", value: "{{default user.firstName \"Someone\"}} ({{user.email}}) reached {{campaign.name}}", type: "text" }],
      headers: [],
    },
  },
  {
    id: "builtin-teams",
    name: "Microsoft Teams",
    description: "Post an Adaptive Card to a Teams channel through a Workflows webhook.",
    secretNote:
      "The URL is the secret (its sig= parameter). In Teams, open the channel › ••• › Workflows › \"Post to a channel when a webhook request is received\", finish the wizard and copy the URL it shows; paste it as the URL, over the pattern.",
    webhook: {
      method: "POST",
      url: "https://{{teams_workflow_host}}/workflows/{{teams_workflow_id}}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={{teams_workflow_sig}}",
      contentType: "application/json",
      fields: [
        { key: "type", value: "message", type: "text" },
        {
          key: "attachments",
          value: json([
            {
              contentType: "application/vnd.microsoft.card.adaptive",
              contentUrl: null,
              content: {
                $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                type: "AdaptiveCard",
                version: "1.4",
                body: [{ type: "TextBlock", text: "{{user.email}} reached {{campaign.name}}", wrap: true }],
              },
            },
          ]),
          type: "json",
        },
      ],
      headers: [],
    },
  },
  {
    id: "builtin-segment-track",
    name: "Segment track",
    description: "Record a track event for the user in Segment (HTTP Tracking API).",
    secretNote:
      "In Segment, open Connections › Sources › your HTTP API source › Settings › API Keys and copy the Write Key. The Authorization value is \"Basic \" followed by the Base64 of the key and a colon (printf 'WRITE_KEY:' | base64). EU workspaces send to https://events.eu1.segmentapis.com/v1/track.",
    webhook: {
      method: "POST",
      url: "https://api.segment.io/v1/track",
      contentType: "application/json",
      fields: [
        { key: "userId", value: "{{user.id}}", type: "text" },
        { key: "event", value: "Hookline Webhook Sent", type: "text" },
        { key: "properties.campaign_id", value: "{{campaign.id}}", type: "text" },
        { key: "properties.campaign_name", value: "{{campaign.name}}", type: "text" },
        { key: "timestamp", value: "{{now}}", type: "text" },
      ],
      headers: [{ name: "Authorization", value: "", secret: true }],
    },
  },
  {
    id: "builtin-hubspot-contact-upsert",
    name: "HubSpot contact upsert",
    description: "Create or update the user's HubSpot contact, matched by email (CRM v3 batch upsert).",
    secretNote:
      "In HubSpot, open Settings › Integrations › Private Apps (Development › Legacy apps on newer accounts), create an app with the crm.objects.contacts.write scope and copy its access token (pat-…). The Authorization value is \"Bearer \" followed by the token.",
    webhook: {
      method: "POST",
      url: "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert",
      contentType: "application/json",
      fields: [
        {
          key: "inputs",
          value: json([{ idProperty: "email", id: "{{user.email}}", properties: { email: "{{user.email}}", firstname: "{{user.firstName}}", lastname: "{{user.lastName}}" } }]),
          type: "json",
        },
      ],
      headers: [{ name: "Authorization", value: "", secret: true }],
    },
  },
  {
    id: "builtin-mandrill-send-template",
    name: "Mailchimp Transactional (Mandrill) send",
    description: "Send a transactional email from a Mandrill template to the user.",
    secretNote:
      "In Mailchimp Transactional (mandrillapp.com), open Settings › SMTP & API Info › Add API Key. Mandrill reads the key from the body's \"key\" field, which is stored as data, not as a secret: create a key for Hookline alone, limited to messages/send-template, so it can be revoked without touching anything else.",
    webhook: {
      method: "POST",
      url: "https://mandrillapp.com/api/1.0/messages/send-template",
      contentType: "application/json",
      fields: [
        { key: "key", value: "", type: "text" },
        { key: "template_name", value: "welcome", type: "text" },
        { key: "template_content", value: "[]", type: "json" },
        { key: "message.to", value: json([{ email: "{{user.email}}", type: "to" }]), type: "json" },
        { key: "message.merge_language", value: "handlebars", type: "text" },
        { key: "message.global_merge_vars", value: json([{ name: "first_name", content: "{{user.firstName}}" }]), type: "json" },
      ],
      headers: [],
    },
  },
  {
    id: "builtin-generic-json",
    name: "Generic JSON POST",
    description: "POST the user and the campaign as JSON to your own endpoint.",
    secretNote:
      "Ask the receiver's owners for the token it expects and put it in the Authorization header (remove the header if it needs none). To let the receiver check that a request came from Hookline, generate a signing secret on the webhook instead: it verifies the webhook-signature header (Standard Webhooks).",
    webhook: {
      method: "POST",
      url: "https://{{your_host}}/webhooks/hookline",
      contentType: "application/json",
      fields: [
        { key: "user.id", value: "{{user.id}}", type: "text" },
        { key: "user.email", value: "{{user.email}}", type: "text" },
        { key: "campaign.id", value: "{{campaign.id}}", type: "text" },
        { key: "campaign.name", value: "{{campaign.name}}", type: "text" },
        { key: "sentAt", value: "{{now}}", type: "text" },
      ],
      headers: [{ name: "Authorization", value: "", secret: true }],
    },
  },
];

export const BUILT_IN_TEMPLATES: readonly DestinationTemplateView[] = BUILT_INS.map((t) => ({ ...t, builtIn: true, createdBy: null, updatedAt: null }));

export const isBuiltInTemplateId = (id: string) => id.startsWith("builtin-");
