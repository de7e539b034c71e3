// What the engine needs from the rest of Hookline, passed in so tests and drills can swap the
// clock or a schedule. default-deps.ts wires the real renderer, sender and template loader.
import type { Action } from "../../db";
import type { BuiltRequest, RenderResult, SendResult, TemplateContext, WebhookTemplate } from "../../webhooks/types";
import type { GatedSender, GateLimits, SharedSendTimes } from "./send-gate";

export type DeliveryDeps = {
  render: (template: WebhookTemplate, ctx: TemplateContext, opts: { webhookId: string; timestamp: Date }) => RenderResult;
  send: (request: BuiltRequest, opts?: { timeoutMs?: number }) => Promise<SendResult>;
  /** `step`: for a variant's row, the step whose signing secret signs it (loadWebhookTemplate) */
  loadTemplate: (action: Action, now: Date, step?: Action) => WebhookTemplate;
  now: () => Date;
  random?: () => number;
  /** replaces every action's retry waits (drills and tests); null = each action's policy */
  retryScheduleMs?: number[] | null;
  /**
   * Sends with the worker's limits applied elsewhere (sender threads: the gate runs in the thread,
   * send-gate.ts). Absent: the dispatcher gates `send` on its own loop.
   */
  gatedSender?: (limits: GateLimits) => GatedSender;
  /**
   * Books each rate-limited action's send times with every other worker (the scale-out engine: Redis),
   * so the action's rate limit holds across workers. Absent: each send gate counts alone (exact in one
   * process). Not used with `gatedSender`.
   */
  sharedSendTimes?: SharedSendTimes | null;
  /** resolves once `send` can go at once (sender threads booting); the engine waits for it before its first claim */
  ready?: () => Promise<void>;
};
