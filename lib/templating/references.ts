// Whether a value typed into a webhook holds anything literal of its own, or only {{ }} data
// references: a credential-looking header, a URL user name or a template's field is a secret only when
// something of it is written out ("Bearer {{user.token}}" carries no secret; "Bearer sk_live_..." does).

/** Whether a value holds nothing literal but {{ }} data references (and an auth scheme word). */
export function onlyReferences(value: string): boolean {
  // an expression with a quoted text can carry a literal ({{default user.key "sk_live_..."}}), and so can
  // a number argument or a [segment] ({{default user.pin 4321}}, {{user.[sk_live_...]}})
  const rest = value
    .replace(/\{\{[^{}"'[\]]*\}\}/g, (expression) => (/\s-?\d/.test(expression) ? expression : ""))
    .replace(/\b(bearer|basic|token|apikey)\b/gi, "");
  // a letter or digit of any script is literal ("секрет"), and so is a run of symbols ("!@#$%^&*"); a
  // separator or two between references ("{{user.a}}-{{user.b}}", "Bearer: {{user.token}}") is not
  return !/[\p{L}\p{N}]/u.test(rest) && rest.replace(/\s/g, "").length < 3;
}
