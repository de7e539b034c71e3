// Issue 13, bug 5: template errors say what is wrong in words and point at the line and column,
// never the parser's tokens ("unexpected INVALID", "Expecting 'ID'", "is a {{/if}} missing?").
import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { templateSyntaxProblem } from ".";
import { checkSource } from "./source-check";

describe("template errors in plain words, at their column", () => {
  it.each([
    ["{{", "`{{` is not closed: add `}}`", 1, 1],
    ["Hello {{user.", "`{{` is not closed: add `}}`", 1, 7],
    ["{{user.city}", "`{{` is not closed: add `}}`", 1, 1],
    ["Hi {{user.city}} and {{user.plan {{user.id}}", "`{{` is not closed: add `}}`", 1, 22],
    ["{{{user.city}}", "`{{{` is not closed: add `}}}`", 1, 1],
    ["{{#if user.plan}}pro", "`{{#if}}` opened on line 1 is not closed: add `{{/if}}`", 1, 1],
    ["a\n{{#each user.tags}}{{this}}", "`{{#each}}` opened on line 2 is not closed: add `{{/each}}`", 2, 1],
    ["{{#if user.a}}{{/each}}", "`{{/each}}` does not match `{{#if}}` opened on line 1, column 1: close that one first with `{{/if}}`", 1, 15],
    ["x {{/if}}", "`{{/if}}` closes no block: remove it, or open the block with `{{#if}}` before it", 1, 3],
    ["{{else}}", "`{{else}}` is outside any block: it goes between a `{{#if}}` and its `{{/if}}`", 1, 1],
    ["{{upper (lower user.city}}", "`(` is not closed: add `)` before `}}`", 1, 9],
    ["{{upper user.city)}}", "`)` has no `(` before it: remove it", 1, 18],
    ['{{default user.city "Paris}}', 'The text value opened with " is not closed: add "', 1, 21],
    ["{{userAttribute.[First name}}", "`[` is not closed: add `]`", 1, 17],
    ["{{!-- note }}", "The comment `{{!--` is not closed: add `--}}`", 1, 1],
    ["{{shout user.city}}", expect.stringMatching(/^Unknown helper shout: the helpers are default, required, upper, lower/), 1, 3],
    ["{{upper (shout user.city)}}", expect.stringMatching(/^Unknown helper shout/), 1, 10],
    ["{{#if}}x{{/if}}", "{{#if}} needs one value to test, e.g. {{#if user.city}}", 1, 1],
    ["{{@foo}}", "@foo is not a template variable: the @ variables are @index, @key, @first, @last and @root", 1, 3],
    ["{{}}", "A {{…}} is empty or ends too early: write a variable or a helper before `}}`", 1, 3],
  ])("%j -> %s (line %i, column %i)", (source, message, line, column) => {
    expect(templateSyntaxProblem(source)).toEqual({ message, line, column });
  });

  it("never speaks the parser's language", () => {
    const broken = ["{{", "{{user.a}", "{{ 'abc }}", "{{user.[a}}", "{{#if x}}", "{{/if}}", "{{else}}", "{{}}", "{{=}}", "{{upper ()}}", "{{#each a as |x}}{{/each}}", "{{user a=}}", "{{#if a}}{{else}}{{else}}{{/if}}"];
    for (const source of broken) {
      const p = templateSyntaxProblem(source);
      expect(p, source).not.toBeNull();
      expect(p!.message, source).not.toMatch(/INVALID|EOF|OPEN_|CLOSE|Expecting|Parse error|missing\?|unexpected/);
      expect(p!.column, source).toEqual(expect.any(Number));
    }
  });

  it("escaped braces, comments and text values with braces are not mistakes", () => {
    for (const source of ["\\{{not a variable", '{{default user.city "{{"}}', "{{! a }} comment }}", "{{!-- {{ --}}", "{{#if a}}{{else if b}}{{^}}{{/if}}", "{{~#if a~}}x{{~/if~}}", "{{#each user.tags as |t|}}{{t}}{{/each}}"]) {
      expect(templateSyntaxProblem(source), source).toBeNull();
    }
  });
});

describe("the pre-parse check refuses only what Handlebars refuses too", () => {
  const pieces = ["{{", "}}", "{{{", "}}}", "{{#if user.a}}", "{{/if}}", "{{else}}", "{{^}}", "{{else if user.b}}", "{{#each user.l}}", "{{/each}}", "{{#with user.o as |o|}}", "{{/with}}", "{{user.a}}", "{{~user.a~}}", "{{{user.a}}}", "{{upper (lower user.a)}}", "(", ")", "[", "]", "\"", "'", "\\", "{{!", "{{!--", "--}}", "{{userAttribute.[First name]}}", '{{default user.a "}}"}}', "{{default user.a '{{'}}", "\\{{user.a}}", '{{default user.a "a\\\\"}}', '{{default user.a "a\\"b"}}', "{{userAttribute.[a\\]b]}}", "\n", "x", " ", "~", "#", "/", "@index"];
  it("on random sequences of template pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const source = parts.join("");
        let refused: Error | null = null;
        try {
          checkSource(source);
        } catch (err) {
          refused = err as Error;
        }
        if (refused) expect(() => Handlebars.parse(source), `${JSON.stringify(source)}: ${refused.message}`).toThrow();
      }),
      { numRuns: 5000 },
    );
  });
});
