/*
 * Evaluate Workato `ngIf` conditions in the browser without eval or Function.
 *
 * A port of workato_connectors/_ngif.py and _ngif_syntax.py (the reference; read their
 * docstrings for the full language). In short:
 *   expression = and { "||" and }       and = equality { "&&" equality }
 *   equality   = unary [ ("==" | "===" | "!=" | "!==") unary ]      unary = { "!" } primary
 *   primary    = "(" expression ")" | operand
 *   operand    = "line" "." name { "." name } | string | number | true | false | null | undefined
 * `!` binds as in JavaScript (`!line.a == 'x'` is `(!line.a) == 'x'`); comparisons do not
 * chain and need a literal on one side, so two fields and an un-negated group are never
 * compared. A compared negation is rewritten into a truthiness test or a constant.
 * Truthiness is JavaScript's plus "false" is falsy; `==` matches null only with null, a
 * boolean with itself or "true"/"false", a string with the same string, and numbers by
 * value. An expression that does not parse shows its field.
 */
(function (root) {
  "use strict";

  var MAX_LENGTH = 2000;
  var MAX_DEPTH = 32;
  var TOKEN = new RegExp(
    "([ \\t\\n\\r\\f\\v]+)" +
      "|(-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)" +
      "|('(?:[^'\\\\]|\\\\[\\s\\S])*'|\"(?:[^\"\\\\]|\\\\[\\s\\S])*\")" +
      "|([A-Za-z_$][A-Za-z0-9_$]*)" +
      "|(===|!==|==|!=|&&|\\|\\||!|\\(|\\)|\\.)",
    "y"
  );
  var KINDS = [null, "ws", "num", "str", "name", "op"];
  var ESCAPE = /\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[ux]|[\s\S])/g;
  var SIMPLE_ESCAPES = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };
  var KEYWORDS = { "true": true, "false": false, "null": null, "undefined": null };
  var EQUALITY = { "==": "==", "===": "==", "!=": "!=", "!==": "!=" };

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function NgIfSyntaxError(position, problem) {
    var error = new SyntaxError("cannot parse ngIf at position " + position + ": " + problem);
    error.position = position;
    error.problem = problem;
    return error;
  }

  function unescape(body) {
    var malformed = false;
    var text = body.replace(ESCAPE, function (_, code) {
      if (code === "u" || code === "x") malformed = true;
      if (code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
      return has(SIMPLE_ESCAPES, code) ? SIMPLE_ESCAPES[code] : code;
    });
    return malformed ? null : text;
  }

  function tokenize(expression) {
    var tokens = [];
    var position = 0;
    while (position < expression.length) {
      TOKEN.lastIndex = position;
      var match = TOKEN.exec(expression);
      if (match === null) {
        var ch = expression[position];
        throw NgIfSyntaxError(
          position,
          ch === "'" || ch === '"' ? "unterminated string" : "unexpected character " + JSON.stringify(ch)
        );
      }
      var kind = "ws";
      for (var group = 2; group < KINDS.length; group++) {
        if (match[group] !== undefined) kind = KINDS[group];
      }
      if (kind !== "ws") tokens.push({ kind: kind, text: match[0], position: position });
      position = TOKEN.lastIndex;
    }
    tokens.push({ kind: "end", text: "", position: position });
    return tokens;
  }

  function parse(expression) {
    if (typeof expression !== "string") throw NgIfSyntaxError(0, "an ngIf expression must be a string");
    if (expression.length > MAX_LENGTH) throw NgIfSyntaxError(MAX_LENGTH, "longer than " + MAX_LENGTH + " characters");
    var tokens = tokenize(expression);
    var index = 0;
    var depth = 0;

    function fail(problem) {
      return NgIfSyntaxError(tokens[index].position, problem);
    }
    function peek() {
      var token = tokens[index];
      if (token.kind !== "op") return false;
      for (var i = 0; i < arguments.length; i++) if (token.text === arguments[i]) return true;
      return false;
    }
    function peekEquality() {
      return tokens[index].kind === "op" && has(EQUALITY, tokens[index].text);
    }
    function expressionRule() {
      var operands = [andRule()];
      while (peek("||")) {
        index++;
        operands.push(andRule());
      }
      return operands.length === 1 ? operands[0] : { type: "or", operands: operands };
    }
    function andRule() {
      var operands = [equalityRule()];
      while (peek("&&")) {
        index++;
        operands.push(equalityRule());
      }
      return operands.length === 1 ? operands[0] : { type: "and", operands: operands };
    }
    function truth(unary) {
      return unary.bangs % 2 ? { type: "not", operand: unary.node } : unary.node;
    }
    function literalOf(unary) {
      return unary.bangs === 0 && !unary.grouped && unary.node.type === "literal" ? unary.node : null;
    }
    function equalityRule() {
      var left = unaryRule();
      if (!peekEquality()) return truth(left);
      var op = tokens[index++];
      var right = unaryRule();
      if (peekEquality()) throw fail("comparisons do not chain");
      if ((left.bangs === 0 && left.grouped) || (right.bangs === 0 && right.grouped)) {
        throw NgIfSyntaxError(op.position, "a parenthesised expression cannot be compared");
      }
      var other = left;
      var literal = literalOf(right);
      if (literal === null) {
        other = right;
        literal = literalOf(left);
      }
      if (literal === null) {
        throw NgIfSyntaxError(op.position, "one side must be a literal (comparing two fields is not supported)");
      }
      if (other.bangs === 0) return { type: "compare", op: EQUALITY[op.text], left: other.node, right: literal };
      // As in _ngif_syntax.py: a negation is a boolean, so its comparison with a literal
      // is a truthiness test or a constant, and the evaluator needs no new node.
      var boolean = asBoolean(literal.value);
      if (boolean === null) return { type: "literal", value: EQUALITY[op.text] === "!=" };
      var node = truth(other);
      if (boolean === (EQUALITY[op.text] === "==")) return node;
      return node.type === "not" ? node.operand : { type: "not", operand: node };
    }
    function unaryRule() {
      var bangs = 0;
      while (peek("!")) {
        index++;
        bangs++;
      }
      if (!peek("(")) return { bangs: bangs, node: operandRule(), grouped: false };
      depth++;
      if (depth > MAX_DEPTH) throw fail("more than " + MAX_DEPTH + " nested parentheses");
      index++;
      var inner = expressionRule();
      if (!peek(")")) throw fail("expected ')'");
      index++;
      depth--;
      return { bangs: bangs, node: inner, grouped: true };
    }
    function operandRule() {
      var token = tokens[index++];
      if (token.kind === "num") {
        var number = Number(token.text);
        if (!isFinite(number)) throw NgIfSyntaxError(token.position, "number out of range");
        return { type: "literal", value: number };
      }
      if (token.kind === "str") {
        var text = unescape(token.text.slice(1, -1));
        if (text === null) throw NgIfSyntaxError(token.position, "malformed escape");
        return { type: "literal", value: text };
      }
      if (token.kind === "name" && has(KEYWORDS, token.text)) {
        return { type: "literal", value: KEYWORDS[token.text] };
      }
      if (token.kind === "name" && token.text === "line") {
        var names = [];
        while (peek(".")) {
          index++;
          if (tokens[index].kind !== "name") throw fail("expected a field name after '.'");
          names.push(tokens[index++].text);
        }
        if (!names.length) throw fail("expected '.' and a field name after 'line'");
        return { type: "path", names: names };
      }
      if (token.kind === "name") {
        throw NgIfSyntaxError(token.position, "unknown identifier " + JSON.stringify(token.text));
      }
      index--;
      throw fail("expected a value, found " + (token.kind === "end" ? "end of expression" : token.text));
    }

    var node = expressionRule();
    if (tokens[index].kind !== "end") throw fail("unexpected " + JSON.stringify(tokens[index].text));
    return node;
  }

  function isTruthy(value) {
    if (value === null || value === undefined || typeof value === "boolean") return Boolean(value);
    if (typeof value === "number") return value === value && value !== 0;
    if (typeof value === "string") return value !== "" && value !== "false";
    return true;
  }

  function asBoolean(value) {
    if (typeof value === "boolean") return value;
    return value === "true" ? true : value === "false" ? false : null;
  }

  function looseEqual(left, right) {
    if (left === null || right === null) return left === null && right === null;
    if (typeof left === "boolean" || typeof right === "boolean") {
      var a = asBoolean(left);
      return a !== null && a === asBoolean(right);
    }
    if (typeof left === "string" || typeof right === "string") {
      return typeof left === "string" && typeof right === "string" && left === right;
    }
    if (typeof left === "number" && typeof right === "number") return left === right;
    return false;
  }

  function resolve(operand, line) {
    if (operand.type === "literal") return operand.value;
    var value = line;
    for (var i = 0; i < operand.names.length; i++) {
      var name = operand.names[i];
      if (value === null || typeof value !== "object" || Array.isArray(value) || !has(value, name)) {
        return null;
      }
      value = value[name];
    }
    return value === undefined ? null : value;
  }

  /* Evaluate a parsed expression against `line`, the values of the field's object. */
  function evaluate(node, line) {
    switch (node.type) {
      case "path":
      case "literal":
        return isTruthy(resolve(node, line));
      case "not":
        return !evaluate(node.operand, line);
      case "and":
        return node.operands.every(function (operand) {
          return evaluate(operand, line);
        });
      case "or":
        return node.operands.some(function (operand) {
          return evaluate(operand, line);
        });
      case "compare":
        var equal = looseEqual(resolve(node.left, line), resolve(node.right, line));
        return node.op === "==" ? equal : !equal;
    }
    throw new Error("unknown ngIf node " + node.type);
  }

  /* Return whether a field with this ngIf shows; blank or unparseable shows it. */
  function visible(expression, line) {
    if (typeof expression !== "string" || !expression.trim()) return true;
    var node;
    try {
      node = parse(expression);
    } catch (error) {
      if (error instanceof SyntaxError) return true;
      throw error;
    }
    return evaluate(node, line || {});
  }

  root.WorkatoNgIf = Object.freeze({ parse: parse, evaluate: evaluate, visible: visible, isTruthy: isTruthy });
})(window);
