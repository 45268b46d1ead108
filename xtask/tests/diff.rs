//! `cargo xtask diff`: spec pairs, one or more per rule, each asserting the rule ids and
//! levels it reports; identical, reordered and reformatted specs report nothing; and the
//! command itself on git revisions, files and bad input.

#[path = "support/repository.rs"]
mod repository;

use std::collections::BTreeSet;

use answering_agent_spec::Spec;
use repository::{git, xtask};
use xtask::diff::compare::{Change, compare};
use xtask::diff::rules::{Level, RULES};

const BASE: &str = r#"openapi: 3.0.3
info:
  title: Test
  version: '1'
servers:
  - url: https://api.example.com/v1
security:
  - apiKey: []
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - name: limit
          in: query
          required: false
          schema:
            type: integer
            minimum: 1
            maximum: 100
        - name: X-Trace
          in: header
          required: false
          schema:
            type: string
      responses:
        '200':
          description: ok
          headers:
            X-Total:
              schema:
                type: integer
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Item'
        '404':
          description: not found
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewItem'
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
        '422':
          description: invalid
  /items/{id}:
    delete:
      operationId: deleteItem
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        '204':
          description: gone
  /pets:
    put:
      operationId: putPet
      security:
        - oauth:
            - read
      parameters:
        - name: mode
          in: query
          schema:
            type: string
            default: fast
        - name: count
          in: query
          schema:
            type: integer
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/PetIn'
      responses:
        '200':
          description: ok
          headers:
            X-Rate:
              required: true
              schema:
                type: integer
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/PetOut'
  /legacy:
    get:
      operationId: getLegacy
      deprecated: true
      x-sunset: '2000-01-01'
      responses:
        '200':
          description: ok
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-API-KEY
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://api.example.com/token
          scopes:
            read: read things
            write: write things
  schemas:
    NewItem:
      type: object
      required:
        - name
      properties:
        name:
          type: string
          maxLength: 50
        note:
          type: string
          nullable: true
        kind:
          type: string
          enum:
            - a
            - b
        tags:
          type: array
          maxItems: 5
          items:
            type: string
        code:
          type: string
          pattern: '^[A-Z]+$'
    Item:
      type: object
      required:
        - id
        - name
      properties:
        id:
          type: integer
          format: int64
        name:
          type: string
        note:
          type: string
        kind:
          type: string
          enum:
            - a
            - b
        parent:
          $ref: '#/components/schemas/Item'
        score:
          type: number
          minimum: 0
          maximum: 10
        code:
          type: string
    PetIn:
      type: object
      required:
        - id
        - secret
      properties:
        pet:
          oneOf:
            - $ref: '#/components/schemas/Cat'
            - $ref: '#/components/schemas/Dog'
          discriminator:
            propertyName: kind
            mapping:
              cat: '#/components/schemas/Cat'
              dog: '#/components/schemas/Dog'
        match:
          anyOf:
            - type: string
            - type: integer
        size:
          type: integer
          default: 3
        id:
          type: integer
          readOnly: true
        secret:
          type: string
          writeOnly: true
        legacy:
          type: string
          deprecated: true
        shape:
          allOf:
            - $ref: '#/components/schemas/Cat'
    PetOut:
      type: object
      required:
        - ident
        - password
      properties:
        animal:
          oneOf:
            - $ref: '#/components/schemas/Cat'
            - $ref: '#/components/schemas/Dog'
          discriminator:
            propertyName: kind
            mapping:
              cat: '#/components/schemas/Cat'
              dog: '#/components/schemas/Dog'
        choice:
          anyOf:
            - type: string
            - type: integer
        level:
          type: integer
          default: 3
        ident:
          type: integer
          readOnly: true
        password:
          type: string
          writeOnly: true
        old:
          type: string
          deprecated: true
        form:
          allOf:
            - $ref: '#/components/schemas/Cat'
        ratio:
          type: number
    Cat:
      type: object
      properties:
        kind:
          type: string
        meow:
          type: boolean
    Dog:
      type: object
      properties:
        kind:
          type: string
        bark:
          type: boolean
    Bird:
      type: object
      properties:
        kind:
          type: string
"#;

fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture does not contain {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn changes(base_edits: &[(&str, &str)], head_edits: &[(&str, &str)]) -> Vec<Change> {
    let base = Spec::parse("base.yaml", &edited(base_edits)).unwrap();
    let head = Spec::parse("head.yaml", &edited(head_edits)).unwrap();
    compare(&base, &head)
}

fn rules_of(changes: &[Change]) -> BTreeSet<(&'static str, Level)> {
    changes.iter().map(|c| (c.rule, c.level)).collect()
}

use Level::{Breaking as B, NonBreaking as N, PotentiallyBreaking as P};

/// Every case: a name, edits to the old side, edits to the new side, and exactly the rules
/// (with levels) it must report.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, Level)],
);

const CASES: &[Case] = &[
    ("identical", &[], &[], &[]),
    // Operations
    (
        "operation removed",
        &[],
        &[(
            "  /items/{id}:\n    delete:",
            "  /items/{id}:\n    x-delete:",
        )],
        &[("api-operation-removed", B)],
    ),
    (
        "operation added",
        &[(
            "  /items/{id}:\n    delete:",
            "  /items/{id}:\n    x-delete:",
        )],
        &[],
        &[("api-operation-added", N)],
    ),
    (
        "operationId changed",
        &[],
        &[("operationId: deleteItem", "operationId: removeItem")],
        &[("api-operation-id-changed", P)],
    ),
    (
        "path parameter renamed is the same operation",
        &[],
        &[
            ("  /items/{id}:", "  /items/{itemId}:"),
            (
                "        - name: id\n          in: path",
                "        - name: itemId\n          in: path",
            ),
        ],
        &[("request-path-parameter-renamed", N)],
    ),
    // Parameters
    (
        "required parameter added",
        &[],
        &[(
            "        - name: X-Trace\n          in: header\n          required: false",
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n        - name: page\n          in: query\n          required: true",
        )],
        &[("new-required-request-parameter", B)],
    ),
    (
        "optional parameter added",
        &[],
        &[(
            "        - name: X-Trace\n          in: header\n          required: false",
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n        - name: page\n          in: query\n          required: false",
        )],
        &[("new-optional-request-parameter", N)],
    ),
    (
        "parameter removed",
        &[],
        &[("        - name: X-Trace\n", "        - name: X-Span\n")],
        &[
            ("request-parameter-removed", P),
            ("new-optional-request-parameter", N),
        ],
    ),
    (
        "parameter became required",
        &[],
        &[(
            "          in: query\n          required: false",
            "          in: query\n          required: true",
        )],
        &[("request-parameter-became-required", B)],
    ),
    (
        "parameter became optional",
        &[(
            "          in: header\n          required: false",
            "          in: header\n          required: true",
        )],
        &[],
        &[("request-parameter-became-optional", N)],
    ),
    (
        "parameter type changed",
        &[],
        &[(
            "          schema:\n            type: integer\n            minimum: 1",
            "          schema:\n            type: string\n            minimum: 1",
        )],
        &[("request-property-type-changed", B)],
    ),
    (
        "parameter maximum lowered",
        &[],
        &[("            maximum: 100", "            maximum: 50")],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "parameter maximum raised",
        &[],
        &[("            maximum: 100", "            maximum: 500")],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "parameter minimum removed",
        &[],
        &[("            minimum: 1\n", "")],
        &[("request-property-bound-loosened", N)],
    ),
    // Request bodies
    (
        "request body became optional",
        &[],
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[("request-body-became-optional", N)],
    ),
    (
        "request body became required",
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[],
        &[("request-body-became-required", B)],
    ),
    (
        "request body removed",
        &[],
        &[("      requestBody:\n", "      x-requestBody:\n")],
        &[("request-body-removed", B)],
    ),
    (
        "required request body added",
        &[("      requestBody:\n", "      x-requestBody:\n")],
        &[],
        &[("request-body-added-required", B)],
    ),
    (
        "optional request body added",
        &[(
            "      requestBody:\n        required: true",
            "      x-requestBody:\n        required: false",
        )],
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        &[("request-body-added-optional", N)],
    ),
    (
        "request media type replaced",
        &[],
        &[(
            "      requestBody:\n        required: true\n        content:\n          application/json:",
            "      requestBody:\n        required: true\n        content:\n          application/xml:",
        )],
        &[
            ("request-body-media-type-removed", B),
            ("request-body-media-type-added", N),
        ],
    ),
    // Request properties
    (
        "required request property added",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n",
            "      required:\n        - name\n        - owner\n      properties:\n        owner:\n          type: string\n",
        )],
        &[("new-required-request-property", B)],
    ),
    (
        "optional request property added",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n",
            "      required:\n        - name\n      properties:\n        owner:\n          type: string\n",
        )],
        &[("new-optional-request-property", N)],
    ),
    (
        "request property removed",
        &[],
        &[(
            "        code:\n          type: string\n          pattern: '^[A-Z]+$'\n",
            "",
        )],
        &[("request-property-removed", P)],
    ),
    (
        "request property became required",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n        name:",
            "      required:\n        - name\n        - note\n      properties:\n        name:",
        )],
        &[("request-property-became-required", B)],
    ),
    (
        "request property became optional",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n        name:",
            "      properties:\n        name:",
        )],
        &[("request-property-became-optional", N)],
    ),
    (
        "request property no longer nullable",
        &[],
        &[(
            "          type: string\n          nullable: true\n",
            "          type: string\n",
        )],
        &[("request-property-became-not-nullable", B)],
    ),
    (
        "request property became nullable",
        &[],
        &[(
            "          type: string\n          maxLength: 50",
            "          type: string\n          nullable: true\n          maxLength: 50",
        )],
        &[("request-property-became-nullable", N)],
    ),
    (
        "request enum value removed",
        &[],
        &[(
            "            - a\n            - b\n        tags:",
            "            - a\n        tags:",
        )],
        &[("request-property-enum-value-removed", B)],
    ),
    (
        "request enum value added",
        &[],
        &[(
            "            - a\n            - b\n        tags:",
            "            - a\n            - b\n            - c\n        tags:",
        )],
        &[("request-property-enum-value-added", N)],
    ),
    (
        "request maxLength lowered",
        &[],
        &[("          maxLength: 50", "          maxLength: 20")],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request maxItems raised",
        &[],
        &[("          maxItems: 5", "          maxItems: 10")],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "request pattern changed",
        &[],
        &[(
            "          pattern: '^[A-Z]+$'",
            "          pattern: '^[A-Z0-9]+$'",
        )],
        &[("request-property-pattern-changed", P)],
    ),
    (
        "request pattern removed",
        &[],
        &[("          pattern: '^[A-Z]+$'\n", "")],
        &[("request-property-pattern-removed", N)],
    ),
    (
        "request object closed",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      additionalProperties: false\n",
        )],
        &[("request-property-additional-properties-restricted", B)],
    ),
    (
        "request object opened",
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      additionalProperties: false\n",
        )],
        &[],
        &[("request-property-additional-properties-allowed", N)],
    ),
    (
        "request property type changed",
        &[],
        &[(
            "        name:\n          type: string\n          maxLength: 50",
            "        name:\n          type: integer\n          maxLength: 50",
        )],
        &[("request-property-type-changed", B)],
    ),
    (
        "request format added",
        &[],
        &[(
            "          type: string\n          pattern: '^[A-Z]+$'",
            "          type: string\n          format: uuid\n          pattern: '^[A-Z]+$'",
        )],
        &[("request-property-format-changed", P)],
    ),
    (
        "request composition changed",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      allOf:\n        - required:\n            - kind\n",
        )],
        &[
            ("request-property-all-of-added", B),
            ("request-property-became-required", B),
        ],
    ),
    // Responses
    (
        "success status removed",
        &[],
        &[(
            "        '201':\n          description: created",
            "        '202':\n          description: created",
        )],
        &[
            ("response-success-status-removed", B),
            ("response-success-status-added", N),
        ],
    ),
    (
        "error status removed",
        &[],
        &[("        '404':\n          description: not found\n", "")],
        &[("response-non-success-status-removed", N)],
    ),
    (
        "error status added",
        &[],
        &[(
            "        '422':\n          description: invalid\n",
            "        '422':\n          description: invalid\n        '500':\n          description: boom\n",
        )],
        &[("response-non-success-status-added", N)],
    ),
    (
        "response media type replaced",
        &[],
        &[(
            "          content:\n            application/json:\n              schema:\n                type: array",
            "          content:\n            application/vnd.items+json:\n              schema:\n                type: array",
        )],
        &[
            ("response-media-type-removed", B),
            ("response-media-type-added", N),
        ],
    ),
    (
        "response header removed",
        &[],
        &[("            X-Total:", "            X-Count:")],
        &[
            ("response-optional-header-removed", N),
            ("response-header-added", N),
        ],
    ),
    // Response properties (Item is in two operations: each reports it)
    (
        "response property added",
        &[],
        &[(
            "        score:\n          type: number",
            "        rank:\n          type: integer\n        score:\n          type: number",
        )],
        &[("response-property-added", N)],
    ),
    (
        "required response property removed",
        &[],
        &[
            (
                "      required:\n        - id\n        - name\n",
                "      required:\n        - id\n",
            ),
            (
                "        name:\n          type: string\n        note:\n          type: string\n        kind:",
                "        note:\n          type: string\n        kind:",
            ),
        ],
        &[("response-required-property-removed", B)],
    ),
    (
        "optional response property removed",
        &[],
        &[(
            "        note:\n          type: string\n        kind:",
            "        kind:",
        )],
        &[("response-optional-property-removed", N)],
    ),
    (
        "response property became optional",
        &[],
        &[(
            "      required:\n        - id\n        - name\n",
            "      required:\n        - id\n",
        )],
        &[("response-property-became-optional", B)],
    ),
    (
        "response property became required",
        &[],
        &[(
            "      required:\n        - id\n        - name\n",
            "      required:\n        - id\n        - name\n        - note\n",
        )],
        &[("response-property-became-required", N)],
    ),
    (
        "response property became nullable",
        &[],
        &[(
            "        note:\n          type: string\n        kind:",
            "        note:\n          type: string\n          nullable: true\n        kind:",
        )],
        &[("response-property-became-nullable", B)],
    ),
    (
        "response property no longer nullable",
        &[(
            "        note:\n          type: string\n        kind:",
            "        note:\n          type: string\n          nullable: true\n        kind:",
        )],
        &[],
        &[("response-property-became-not-nullable", N)],
    ),
    (
        "response enum value added",
        &[],
        &[(
            "            - a\n            - b\n        parent:",
            "            - a\n            - b\n            - c\n        parent:",
        )],
        &[("response-property-enum-value-added", P)],
    ),
    (
        "response enum value removed",
        &[],
        &[(
            "            - a\n            - b\n        parent:",
            "            - a\n        parent:",
        )],
        &[("response-property-enum-value-removed", N)],
    ),
    (
        "response maximum raised",
        &[],
        &[("          maximum: 10\n", "          maximum: 20\n")],
        &[("response-property-bound-loosened", B)],
    ),
    (
        "response maximum lowered",
        &[],
        &[("          maximum: 10\n", "          maximum: 5\n")],
        &[("response-property-bound-tightened", N)],
    ),
    (
        "response type changed",
        &[],
        &[(
            "        id:\n          type: integer\n          format: int64",
            "        id:\n          type: string\n          format: int64",
        )],
        &[("response-property-type-changed", B)],
    ),
    (
        "response format changed",
        &[],
        &[("          format: int64", "          format: int32")],
        &[("response-property-format-changed", P)],
    ),
    (
        "response pattern added",
        &[],
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z]+$'\n",
        )],
        &[("response-property-pattern-added", N)],
    ),
    (
        "response pattern changed",
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z]+$'\n",
        )],
        &[(
            "          maximum: 10\n        code:\n          type: string\n",
            "          maximum: 10\n        code:\n          type: string\n          pattern: '^[a-z0-9]+$'\n",
        )],
        &[("response-property-pattern-changed", P)],
    ),
    (
        "response object opened",
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      additionalProperties: false\n",
        )],
        &[],
        &[("response-property-additional-properties-allowed", P)],
    ),
    (
        "response object closed",
        &[],
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      additionalProperties: false\n",
        )],
        &[("response-property-additional-properties-restricted", N)],
    ),
    (
        "response composition changed",
        &[],
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      oneOf:\n        - required:\n            - note\n",
        )],
        &[("response-property-one-of-added", B)],
    ),
    // Security
    (
        "security requirement added to an open operation",
        &[(
            "      operationId: deleteItem\n",
            "      operationId: deleteItem\n      security: []\n",
        )],
        &[],
        &[("security-became-required", B)],
    ),
    (
        "security requirement removed",
        &[],
        &[(
            "      operationId: deleteItem\n",
            "      operationId: deleteItem\n      security: []\n",
        )],
        &[("security-no-longer-required", N)],
    ),
    (
        "security scheme changed",
        &[],
        &[("      name: X-API-KEY", "      name: X-KEY")],
        &[("security-scheme-changed", B)],
    ),
    (
        "security scheme added",
        &[],
        &[(
            "      name: X-API-KEY\n",
            "      name: X-API-KEY\n    bearer:\n      type: http\n      scheme: bearer\n",
        )],
        &[("security-scheme-added", N)],
    ),
    (
        "security scheme removed",
        &[(
            "      name: X-API-KEY\n",
            "      name: X-API-KEY\n    bearer:\n      type: http\n      scheme: bearer\n",
        )],
        &[],
        &[("security-scheme-removed", N)],
    ),
    // Servers
    (
        "server moved",
        &[],
        &[(
            "  - url: https://api.example.com/v1",
            "  - url: https://api.example.com/v2",
        )],
        &[("server-removed", P), ("server-added", N)],
    ),
    (
        "trailing slash on a server is no change",
        &[],
        &[(
            "  - url: https://api.example.com/v1",
            "  - url: https://api.example.com/v1/",
        )],
        &[],
    ),
    (
        "deprecated operation removed",
        &[],
        &[("  /legacy:\n    get:", "  /legacy:\n    x-get:")],
        &[("api-deprecated-operation-removed", N)],
    ),
    (
        "deprecated operation removed before its sunset",
        &[("x-sunset: '2000-01-01'", "x-sunset: '2999-01-01'")],
        &[
            ("x-sunset: '2000-01-01'", "x-sunset: '2999-01-01'"),
            ("  /legacy:\n    get:", "  /legacy:\n    x-get:"),
        ],
        &[("api-removed-before-sunset", B)],
    ),
    (
        "operation with a sunset but not deprecated removed",
        &[("      deprecated: true\n      x-sunset", "      x-sunset")],
        &[
            ("      deprecated: true\n      x-sunset", "      x-sunset"),
            ("  /legacy:\n    get:", "  /legacy:\n    x-get:"),
        ],
        &[("api-operation-removed", B)],
    ),
    (
        "operation deprecated",
        &[],
        &[(
            "      operationId: deleteItem\n",
            "      operationId: deleteItem\n      deprecated: true\n",
        )],
        &[("api-operation-deprecated", N)],
    ),
    (
        "operation reactivated",
        &[],
        &[("      deprecated: true\n      x-sunset", "      x-sunset")],
        &[("api-operation-reactivated", N)],
    ),
    (
        "operationId removed",
        &[],
        &[("      operationId: getLegacy\n", "")],
        &[("api-operation-id-changed", P)],
    ),
    (
        "deprecated parameter removed",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          deprecated: true\n          schema:\n            type: integer\n",
        )],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "",
        )],
        &[("request-deprecated-parameter-removed", N)],
    ),
    (
        "parameter deprecated",
        &[],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          deprecated: true\n          schema:\n            type: integer\n",
        )],
        &[("request-parameter-deprecated", N)],
    ),
    (
        "parameter reactivated",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          deprecated: true\n          schema:\n            type: integer\n",
        )],
        &[],
        &[("request-parameter-reactivated", N)],
    ),
    (
        "query parameter became an enum",
        &[],
        &[(
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n",
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n            enum:\n              - fast\n              - slow\n",
        )],
        &[("request-property-became-enum", B)],
    ),
    (
        "query parameter no longer an enum",
        &[(
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n",
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n            enum:\n              - fast\n              - slow\n",
        )],
        &[],
        &[("request-property-no-longer-enum", N)],
    ),
    (
        "header parameter became an enum",
        &[],
        &[(
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n",
            "        - name: X-Trace\n          in: header\n          required: false\n          schema:\n            type: string\n            enum:\n              - on\n",
        )],
        &[("request-property-became-enum", B)],
    ),
    (
        "parameter default changed",
        &[],
        &[("default: fast", "default: slow")],
        &[("request-property-default-value-changed", P)],
    ),
    (
        "parameter default added",
        &[],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            default: 10\n",
        )],
        &[("request-property-default-value-added", N)],
    ),
    (
        "parameter default removed",
        &[],
        &[("            default: fast\n", "")],
        &[("request-property-default-value-removed", P)],
    ),
    (
        "parameter widened from integer to number",
        &[],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: number\n",
        )],
        &[("request-property-type-generalized", N)],
    ),
    (
        "parameter narrowed from number to integer",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: number\n",
        )],
        &[],
        &[("request-property-type-changed", B)],
    ),
    (
        "parameter became nullable",
        &[],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            nullable: true\n",
        )],
        &[("request-property-became-nullable", N)],
    ),
    (
        "parameter no longer nullable",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            nullable: true\n",
        )],
        &[],
        &[("request-property-became-not-nullable", B)],
    ),
    (
        "parameter multipleOf loosened",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            multipleOf: 4\n",
        )],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            multipleOf: 2\n",
        )],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "parameter multipleOf tightened",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            multipleOf: 2\n",
        )],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            multipleOf: 4\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "parameter multipleOf set",
        &[],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            multipleOf: 3\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "parameter exclusiveMinimum set",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            minimum: 0\n",
        )],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: integer\n            minimum: 0\n            exclusiveMinimum: true\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "parameter pattern added",
        &[],
        &[(
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n",
            "        - name: mode\n          in: query\n          schema:\n            type: string\n            default: fast\n            pattern: '^[a-z]+$'\n",
        )],
        &[("request-property-pattern-added", B)],
    ),
    (
        "request body became an enum",
        &[(
            "          application/json:\n            schema:\n              $ref: '#/components/schemas/NewItem'\n",
            "          application/json:\n            schema:\n              type: string\n",
        )],
        &[(
            "          application/json:\n            schema:\n              $ref: '#/components/schemas/NewItem'\n",
            "          application/json:\n            schema:\n              type: string\n              enum:\n                - small\n",
        )],
        &[("request-property-became-enum", B)],
    ),
    (
        "request property became an enum",
        &[],
        &[(
            "        name:\n          type: string\n          maxLength: 50\n",
            "        name:\n          type: string\n          maxLength: 50\n          enum:\n            - x\n",
        )],
        &[("request-property-became-enum", B)],
    ),
    (
        "request array items became an enum",
        &[],
        &[(
            "          maxItems: 5\n          items:\n            type: string\n",
            "          maxItems: 5\n          items:\n            type: string\n            enum:\n              - red\n",
        )],
        &[("request-property-became-enum", B)],
    ),
    (
        "request property pattern added",
        &[],
        &[(
            "        name:\n          type: string\n          maxLength: 50\n",
            "        name:\n          type: string\n          maxLength: 50\n          pattern: '^[a-z]+$'\n",
        )],
        &[("request-property-pattern-added", B)],
    ),
    (
        "request minLength set",
        &[],
        &[(
            "        name:\n          type: string\n          maxLength: 50\n",
            "        name:\n          type: string\n          maxLength: 50\n          minLength: 1\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request maxLength removed",
        &[],
        &[("          maxLength: 50\n", "")],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "request uniqueItems set",
        &[],
        &[(
            "          maxItems: 5\n",
            "          maxItems: 5\n          uniqueItems: true\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request minItems set",
        &[],
        &[(
            "          maxItems: 5\n",
            "          maxItems: 5\n          minItems: 1\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request maxProperties set",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      maxProperties: 10\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request minProperties removed",
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      minProperties: 1\n",
        )],
        &[],
        &[("request-property-bound-loosened", N)],
    ),
    (
        "request property default changed",
        &[],
        &[(
            "        size:\n          type: integer\n          default: 3\n",
            "        size:\n          type: integer\n          default: 4\n",
        )],
        &[("request-property-default-value-changed", P)],
    ),
    (
        "request property default added",
        &[],
        &[(
            "        note:\n          type: string\n          nullable: true\n",
            "        note:\n          type: string\n          nullable: true\n          default: none\n",
        )],
        &[("request-property-default-value-added", N)],
    ),
    (
        "request property default removed",
        &[],
        &[(
            "        size:\n          type: integer\n          default: 3\n",
            "        size:\n          type: integer\n",
        )],
        &[("request-property-default-value-removed", P)],
    ),
    (
        "request property widened from integer to number",
        &[],
        &[(
            "        size:\n          type: integer\n          default: 3\n",
            "        size:\n          type: number\n          default: 3\n",
        )],
        &[("request-property-type-generalized", N)],
    ),
    (
        "new required request property with a default",
        &[],
        &[(
            "      required:\n        - name\n      properties:\n",
            "      required:\n        - name\n        - size\n      properties:\n        size:\n          type: integer\n          default: 1\n",
        )],
        &[("new-required-request-property", B)],
    ),
    (
        "request media type lost its schema",
        &[],
        &[(
            "          application/json:\n            schema:\n              $ref: '#/components/schemas/NewItem'\n",
            "          application/json: {}\n",
        )],
        &[("request-body-media-type-schema-removed", N)],
    ),
    (
        "request media type got a schema",
        &[(
            "          application/json:\n            schema:\n              $ref: '#/components/schemas/NewItem'\n",
            "          application/json: {}\n",
        )],
        &[],
        &[("request-body-media-type-schema-added", B)],
    ),
    (
        "request property deprecated",
        &[],
        &[(
            "        size:\n          type: integer\n          default: 3\n",
            "        size:\n          type: integer\n          default: 3\n          deprecated: true\n",
        )],
        &[("request-property-deprecated", N)],
    ),
    (
        "request property reactivated",
        &[],
        &[(
            "        legacy:\n          type: string\n          deprecated: true\n",
            "        legacy:\n          type: string\n",
        )],
        &[("request-property-reactivated", N)],
    ),
    (
        "request oneOf member removed",
        &[],
        &[("            - $ref: '#/components/schemas/Dog'\n", "")],
        &[("request-property-one-of-removed", B)],
    ),
    (
        "request oneOf member added",
        &[],
        &[(
            "            - $ref: '#/components/schemas/Dog'\n",
            "            - $ref: '#/components/schemas/Dog'\n            - $ref: '#/components/schemas/Bird'\n",
        )],
        &[
            ("request-property-one-of-added", N),
            ("request-property-discriminator-mapping-added", N),
        ],
    ),
    (
        "request anyOf member removed",
        &[],
        &[(
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        match:\n          anyOf:\n            - type: string\n",
        )],
        &[("request-property-any-of-removed", B)],
    ),
    (
        "request anyOf member added",
        &[],
        &[(
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n            - type: boolean\n",
        )],
        &[("request-property-any-of-added", N)],
    ),
    (
        "request anyOf member type changed",
        &[],
        &[(
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        match:\n          anyOf:\n            - type: string\n            - type: boolean\n",
        )],
        &[("request-property-type-changed", B)],
    ),
    (
        "request anyOf member widened",
        &[],
        &[(
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        match:\n          anyOf:\n            - type: string\n            - type: number\n",
        )],
        &[("request-property-type-generalized", N)],
    ),
    (
        "request anyOf member bound tightened",
        &[],
        &[(
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        match:\n          anyOf:\n            - type: string\n            - type: integer\n              maximum: 3\n",
        )],
        &[("request-property-bound-tightened", B)],
    ),
    (
        "request allOf member removed",
        &[],
        &[(
            "        shape:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "        shape:\n          type: object\n",
        )],
        &[
            ("request-property-all-of-removed", N),
            ("request-property-removed", P),
        ],
    ),
    (
        "request allOf member added",
        &[],
        &[(
            "        shape:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "        shape:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
        )],
        &[
            ("request-property-all-of-added", B),
            ("new-optional-request-property", N),
        ],
    ),
    (
        "request allOf annotation-only member added is no change",
        &[],
        &[(
            "        shape:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "        shape:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n            - description: a shape\n",
        )],
        &[],
    ),
    (
        "request discriminator removed",
        &[],
        &[(
            "          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n        match:",
            "        match:",
        )],
        &[("request-property-discriminator-removed", N)],
    ),
    (
        "request discriminator added",
        &[(
            "          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n        match:",
            "        match:",
        )],
        &[],
        &[("request-property-discriminator-added", P)],
    ),
    (
        "request discriminator property renamed",
        &[],
        &[(
            "            propertyName: kind\n",
            "            propertyName: type\n",
        )],
        &[("request-property-discriminator-property-name-changed", B)],
    ),
    (
        "request discriminator value added",
        &[],
        &[(
            "              dog: '#/components/schemas/Dog'\n",
            "              dog: '#/components/schemas/Dog'\n              bird: '#/components/schemas/Bird'\n",
        )],
        &[("request-property-discriminator-mapping-added", N)],
    ),
    (
        "request discriminator value removed",
        &[],
        &[("              dog: '#/components/schemas/Dog'\n", "")],
        &[
            ("request-property-discriminator-mapping-removed", B),
            ("request-property-discriminator-mapping-added", N),
        ],
    ),
    (
        "request discriminator value changed",
        &[],
        &[(
            "              dog: '#/components/schemas/Dog'\n",
            "              dog: '#/components/schemas/Bird'\n",
        )],
        &[
            ("request-property-discriminator-mapping-changed", P),
            ("request-property-discriminator-mapping-added", N),
        ],
    ),
    (
        "required readOnly request property removed is no change",
        &[],
        &[(
            "        id:\n          type: integer\n          readOnly: true\n",
            "",
        )],
        &[],
    ),
    (
        "readOnly request property type changed is no change",
        &[],
        &[(
            "        id:\n          type: integer\n          readOnly: true\n",
            "        id:\n          type: string\n          readOnly: true\n",
        )],
        &[],
    ),
    (
        "required request property no longer readOnly",
        &[],
        &[(
            "        id:\n          type: integer\n          readOnly: true\n",
            "        id:\n          type: integer\n",
        )],
        &[("new-required-request-property", B)],
    ),
    (
        "request property became readOnly",
        &[],
        &[(
            "        size:\n          type: integer\n          default: 3\n",
            "        size:\n          type: integer\n          default: 3\n          readOnly: true\n",
        )],
        &[("request-property-removed", P)],
    ),
    (
        "required writeOnly request property removed",
        &[],
        &[(
            "        secret:\n          type: string\n          writeOnly: true\n",
            "",
        )],
        &[("request-property-removed", P)],
    ),
    (
        "required writeOnly response property removed is no change",
        &[],
        &[(
            "        password:\n          type: string\n          writeOnly: true\n",
            "",
        )],
        &[],
    ),
    (
        "writeOnly response property type changed is no change",
        &[],
        &[(
            "        password:\n          type: string\n          writeOnly: true\n",
            "        password:\n          type: integer\n          writeOnly: true\n",
        )],
        &[],
    ),
    (
        "required response property became writeOnly",
        &[],
        &[(
            "        ident:\n          type: integer\n          readOnly: true\n",
            "        ident:\n          type: integer\n          writeOnly: true\n",
        )],
        &[("response-required-property-removed", B)],
    ),
    (
        "response property no longer writeOnly",
        &[],
        &[(
            "        password:\n          type: string\n          writeOnly: true\n",
            "        password:\n          type: string\n",
        )],
        &[("response-property-added", N)],
    ),
    (
        "response property deprecated",
        &[],
        &[(
            "        level:\n          type: integer\n          default: 3\n",
            "        level:\n          type: integer\n          default: 3\n          deprecated: true\n",
        )],
        &[("response-property-deprecated", N)],
    ),
    (
        "response property reactivated",
        &[],
        &[(
            "        old:\n          type: string\n          deprecated: true\n",
            "        old:\n          type: string\n",
        )],
        &[("response-property-reactivated", N)],
    ),
    (
        "response default changed",
        &[],
        &[(
            "        level:\n          type: integer\n          default: 3\n",
            "        level:\n          type: integer\n          default: 4\n",
        )],
        &[("response-property-default-value-changed", N)],
    ),
    (
        "response default added",
        &[],
        &[(
            "        ratio:\n          type: number\n",
            "        ratio:\n          type: number\n          default: 1.5\n",
        )],
        &[("response-property-default-value-added", N)],
    ),
    (
        "response default removed",
        &[],
        &[(
            "        level:\n          type: integer\n          default: 3\n",
            "        level:\n          type: integer\n",
        )],
        &[("response-property-default-value-removed", N)],
    ),
    (
        "response widened from integer to number",
        &[],
        &[(
            "        level:\n          type: integer\n          default: 3\n",
            "        level:\n          type: number\n          default: 3\n",
        )],
        &[("response-property-type-changed", B)],
    ),
    (
        "response narrowed from number to integer",
        &[],
        &[(
            "        ratio:\n          type: number\n",
            "        ratio:\n          type: integer\n",
        )],
        &[("response-property-type-specialized", N)],
    ),
    (
        "response oneOf member added",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n            - $ref: '#/components/schemas/Bird'\n",
        )],
        &[
            ("response-property-one-of-added", B),
            ("response-property-discriminator-mapping-added", P),
        ],
    ),
    (
        "response oneOf member removed",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n",
        )],
        &[("response-property-one-of-removed", N)],
    ),
    (
        "response anyOf member added",
        &[],
        &[(
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n            - type: boolean\n",
        )],
        &[("response-property-any-of-added", B)],
    ),
    (
        "response anyOf member removed",
        &[],
        &[(
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        choice:\n          anyOf:\n            - type: string\n",
        )],
        &[("response-property-any-of-removed", N)],
    ),
    (
        "response anyOf member type changed",
        &[],
        &[(
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        choice:\n          anyOf:\n            - type: string\n            - type: boolean\n",
        )],
        &[("response-property-type-changed", B)],
    ),
    (
        "response anyOf member became nullable",
        &[],
        &[(
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n",
            "        choice:\n          anyOf:\n            - type: string\n            - type: integer\n              nullable: true\n",
        )],
        &[("response-property-became-nullable", B)],
    ),
    (
        "response allOf member added",
        &[],
        &[(
            "        form:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "        form:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
        )],
        &[
            ("response-property-all-of-added", N),
            ("response-property-added", N),
        ],
    ),
    (
        "response allOf member removed",
        &[],
        &[(
            "        form:\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "        form:\n          type: object\n",
        )],
        &[
            ("response-property-all-of-removed", B),
            ("response-optional-property-removed", N),
        ],
    ),
    (
        "response discriminator removed",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
        )],
        &[("response-property-discriminator-removed", P)],
    ),
    (
        "response discriminator added",
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
        )],
        &[],
        &[("response-property-discriminator-added", N)],
    ),
    (
        "response discriminator property renamed",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: type\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
        )],
        &[("response-property-discriminator-property-name-changed", P)],
    ),
    (
        "response discriminator value added",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n              bird: '#/components/schemas/Bird'\n",
        )],
        &[("response-property-discriminator-mapping-added", P)],
    ),
    (
        "response discriminator value removed",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n",
        )],
        &[
            ("response-property-discriminator-mapping-removed", N),
            ("response-property-discriminator-mapping-added", P),
        ],
    ),
    (
        "response discriminator value changed",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Bird'\n",
        )],
        &[
            ("response-property-discriminator-mapping-changed", P),
            ("response-property-discriminator-mapping-added", P),
        ],
    ),
    (
        "response property became an enum",
        &[],
        &[(
            "        code:\n          type: string\n    PetIn:",
            "        code:\n          type: string\n          enum:\n            - A\n    PetIn:",
        )],
        &[("response-property-became-enum", N)],
    ),
    (
        "response property no longer an enum",
        &[],
        &[(
            "        note:\n          type: string\n        kind:\n          type: string\n          enum:\n            - a\n            - b\n",
            "        note:\n          type: string\n        kind:\n          type: string\n",
        )],
        &[("response-property-no-longer-enum", P)],
    ),
    (
        "response pattern removed",
        &[(
            "        code:\n          type: string\n    PetIn:",
            "        code:\n          type: string\n          pattern: '^[A-Z]+$'\n    PetIn:",
        )],
        &[],
        &[("response-property-pattern-removed", B)],
    ),
    (
        "response maxLength unset",
        &[(
            "        code:\n          type: string\n    PetIn:",
            "        code:\n          type: string\n          maxLength: 10\n    PetIn:",
        )],
        &[],
        &[("response-property-bound-loosened", B)],
    ),
    (
        "response minItems decreased",
        &[(
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n",
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n                minItems: 2\n",
        )],
        &[(
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n",
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n                minItems: 1\n",
        )],
        &[("response-property-bound-loosened", B)],
    ),
    (
        "response uniqueItems unset",
        &[(
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n",
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n                uniqueItems: true\n",
        )],
        &[],
        &[("response-property-bound-loosened", B)],
    ),
    (
        "response uniqueItems set",
        &[],
        &[(
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n",
            "                type: array\n                items:\n                  $ref: '#/components/schemas/Item'\n                uniqueItems: true\n",
        )],
        &[("response-property-bound-tightened", N)],
    ),
    (
        "response multipleOf loosened",
        &[(
            "          maximum: 10\n",
            "          maximum: 10\n          multipleOf: 0.5\n",
        )],
        &[(
            "          maximum: 10\n",
            "          maximum: 10\n          multipleOf: 0.25\n",
        )],
        &[("response-property-bound-loosened", B)],
    ),
    (
        "required response header removed",
        &[],
        &[(
            "            X-Rate:\n              required: true\n              schema:\n                type: integer\n",
            "",
        )],
        &[("response-required-header-removed", B)],
    ),
    (
        "response header became optional",
        &[],
        &[(
            "            X-Rate:\n              required: true\n              schema:\n                type: integer\n",
            "            X-Rate:\n              required: false\n              schema:\n                type: integer\n",
        )],
        &[("response-header-became-optional", B)],
    ),
    (
        "response header type changed",
        &[],
        &[(
            "            X-Rate:\n              required: true\n              schema:\n                type: integer\n",
            "            X-Rate:\n              required: true\n              schema:\n                type: string\n",
        )],
        &[("response-property-type-changed", B)],
    ),
    (
        "response header became nullable",
        &[],
        &[(
            "            X-Rate:\n              required: true\n              schema:\n                type: integer\n",
            "            X-Rate:\n              required: true\n              schema:\n                type: integer\n                nullable: true\n",
        )],
        &[("response-property-became-nullable", B)],
    ),
    (
        "response header name case is no change",
        &[],
        &[("            X-Rate:\n", "            x-rate:\n")],
        &[],
    ),
    (
        "response media type lost its schema",
        &[],
        &[(
            "            application/json:\n              schema:\n                $ref: '#/components/schemas/PetOut'\n",
            "            application/json: {}\n",
        )],
        &[("response-body-media-type-schema-removed", B)],
    ),
    (
        "response media type got a schema",
        &[(
            "            application/json:\n              schema:\n                $ref: '#/components/schemas/PetOut'\n",
            "            application/json: {}\n",
        )],
        &[],
        &[("response-body-media-type-schema-added", N)],
    ),
    (
        "security scope added",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n            - write\n",
        )],
        &[("security-scope-added", B)],
    ),
    (
        "security scope removed",
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n            - write\n",
        )],
        &[],
        &[("security-scope-removed", N)],
    ),
    (
        "security scope replaced",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - write\n",
        )],
        &[("security-scope-added", B), ("security-scope-removed", N)],
    ),
    (
        "another way to authenticate added",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - apiKey: []\n",
        )],
        &[("security-requirement-added", N)],
    ),
    (
        "a way to authenticate removed",
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - apiKey: []\n",
        )],
        &[],
        &[("security-requirement-removed", B)],
    ),
    (
        "anonymous calls allowed",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - {}\n",
        )],
        &[("security-no-longer-required", N)],
    ),
    (
        "two schemes required together instead of one",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n          apiKey: []\n",
        )],
        &[
            ("security-requirement-added", N),
            ("security-requirement-removed", B),
        ],
    ),
    (
        "global security scheme replaced",
        &[],
        &[("security:\n  - apiKey: []\n", "security:\n  - oauth: []\n")],
        &[
            ("security-requirement-added", N),
            ("security-requirement-removed", B),
        ],
    ),
    (
        "security scheme header renamed",
        &[],
        &[("      name: X-API-KEY\n", "      name: X-KEY\n")],
        &[("security-scheme-changed", B)],
    ),
    (
        "two path parameters renamed",
        &[
            ("  /items/{id}:", "  /items/{id}/{part}:"),
            (
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n",
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n        - name: part\n          in: path\n          required: true\n          schema:\n            type: string\n",
            ),
        ],
        &[
            ("  /items/{id}:", "  /items/{itemId}/{section}:"),
            (
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n",
                "        - name: itemId\n          in: path\n          required: true\n          schema:\n            type: integer\n        - name: section\n          in: path\n          required: true\n          schema:\n            type: string\n",
            ),
        ],
        &[("request-path-parameter-renamed", N)],
    ),
    (
        "path parameter renamed and retyped",
        &[],
        &[
            ("  /items/{id}:", "  /items/{itemId}:"),
            (
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n",
                "        - name: itemId\n          in: path\n          required: true\n          schema:\n            type: string\n",
            ),
        ],
        &[
            ("request-path-parameter-renamed", N),
            ("request-property-type-changed", B),
        ],
    ),
    (
        "one of two alternatives of the same scheme removed",
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - oauth:\n            - write\n",
        )],
        &[],
        &[("security-requirement-removed", B)],
    ),
    (
        "an alternative of the same scheme added",
        &[],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - oauth:\n            - write\n",
        )],
        &[("security-requirement-added", N)],
    ),
    (
        "a scope added to one of two alternatives of the same scheme",
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n        - oauth:\n            - write\n",
        )],
        &[(
            "        - oauth:\n            - read\n",
            "        - oauth:\n            - read\n            - admin\n        - oauth:\n            - write\n",
        )],
        &[("security-scope-added", B)],
    ),
    (
        "request additionalProperties got a schema",
        &[],
        &[(
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      additionalProperties:\n        type: integer\n",
        )],
        &[("request-property-additional-properties-restricted", B)],
    ),
    (
        "response additionalProperties lost its schema",
        &[(
            "    Item:\n      type: object\n",
            "    Item:\n      type: object\n      additionalProperties:\n        type: integer\n",
        )],
        &[],
        &[("response-property-additional-properties-allowed", P)],
    ),
    (
        "path parameters swapped",
        &[
            ("  /items/{id}:", "  /items/{id}/{part}:"),
            (
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n",
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n        - name: part\n          in: path\n          required: true\n          schema:\n            type: integer\n",
            ),
        ],
        &[
            ("  /items/{id}:", "  /items/{part}/{id}:"),
            (
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n",
                "        - name: id\n          in: path\n          required: true\n          schema:\n            type: integer\n        - name: part\n          in: path\n          required: true\n          schema:\n            type: integer\n",
            ),
        ],
        &[("request-path-parameters-reordered", P)],
    ),
    (
        "an implicit discriminator mapping written out is no change",
        &[(
            "            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n        match:",
            "        match:",
        )],
        &[(
            "            mapping:\n              cat: '#/components/schemas/Cat'\n              dog: '#/components/schemas/Dog'\n        match:",
            "            mapping:\n              Cat: '#/components/schemas/Cat'\n              Dog: '#/components/schemas/Dog'\n        match:",
        )],
        &[],
    ),
    (
        "a mapping to a bare schema name is no change",
        &[],
        &[(
            "              dog: '#/components/schemas/Dog'\n",
            "              dog: Dog\n",
        )],
        &[],
    ),
    (
        "a oneOf member's $ref inlined with the same content is no change",
        &[],
        &[(
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - $ref: '#/components/schemas/Dog'\n",
            "        animal:\n          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - type: object\n              properties:\n                kind:\n                  type: string\n                bark:\n                  type: boolean\n",
        )],
        &[],
    ),
    (
        "a default of 10 written 10.0 is no change",
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: number\n            default: 10\n",
        )],
        &[(
            "        - name: count\n          in: query\n          schema:\n            type: integer\n",
            "        - name: count\n          in: query\n          schema:\n            type: number\n            default: 10.0\n",
        )],
        &[],
    ),
];

#[test]
fn every_case_reports_exactly_its_rules() {
    let mut failures = Vec::new();
    for (name, base_edits, head_edits, expected) in CASES {
        let found = rules_of(&changes(base_edits, head_edits));
        let expected: BTreeSet<(&str, Level)> = expected.iter().copied().collect();
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(CASES.len() >= 150, "{} cases", CASES.len());
}

#[test]
fn every_rule_is_covered_by_a_case() {
    let covered: BTreeSet<&str> = CASES
        .iter()
        .flat_map(|(_, _, _, expected)| expected.iter().map(|(rule, _)| *rule))
        .collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|(rule, _, _)| *rule)
        .filter(|rule| !covered.contains(rule))
        .collect();
    assert!(missing.is_empty(), "rules no case covers: {missing:?}");
    for (rule, level, _) in RULES {
        assert_eq!(xtask::diff::rules::level(rule), *level);
    }
}

/// `xtask/src/diff/oasdiff-checks.md`: every oasdiff check maps to a rule here with the level
/// shown, or says why not; a level that differs says why; every rule here is in it.
#[test]
fn the_oasdiff_crosswalk_accounts_for_every_check() {
    let text = include_str!("../src/diff/oasdiff-checks.md");
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches('|')
            .split(" | ")
            .map(|cell| cell.trim().trim_matches('`').to_string())
            .collect()
    };
    let (checks, own) = text
        .split_once("## Rules here that no oasdiff check has")
        .expect("the crosswalk has its two tables");
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut mentioned = BTreeSet::new();
    let rows: Vec<Vec<String>> = checks
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(cells)
        .collect();
    for row in &rows {
        let [check, theirs, rule, ours, why] = row.as_slice() else {
            problems.push(format!("a row without five cells: {row:?}"));
            continue;
        };
        if !seen.insert(check.clone()) {
            problems.push(format!("{check}: listed twice"));
        }
        let theirs = match theirs.as_str() {
            "ERR" => B,
            "WARN" => P,
            "INFO" => N,
            other => {
                problems.push(format!("{check}: unknown oasdiff level {other}"));
                continue;
            }
        };
        if rule == "—" {
            if why.is_empty() {
                problems.push(format!("{check}: no rule here and no reason"));
            }
            continue;
        }
        mentioned.insert(rule.clone());
        match RULES.iter().find(|(id, _, _)| id == rule) {
            None => problems.push(format!("{check}: `{rule}` is not a rule here")),
            Some((_, level, _)) => {
                if level.name() != ours {
                    problems.push(format!("{check}: `{rule}` is {}, not {ours}", level.name()));
                }
                if *level != theirs && why.is_empty() {
                    problems.push(format!("{check}: the levels differ and nobody says why"));
                }
            }
        }
    }
    for row in own.lines().filter(|l| l.starts_with("| `")).map(cells) {
        if row.get(2).is_none_or(|why| why.is_empty()) {
            problems.push(format!("{row:?}: a rule of our own says why"));
        }
        mentioned.insert(row[0].clone());
    }
    for (rule, _, _) in RULES {
        if !mentioned.contains(*rule) {
            problems.push(format!("`{rule}` is in neither table"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // oasdiff's table as read (see the file's header): a row lost is a check unaccounted for.
    assert_eq!(rows.len(), 575);
}

#[test]
fn a_change_to_a_shared_schema_is_reported_where_it_is_used() {
    let found = changes(
        &[],
        &[("          format: int64", "          format: int32")],
    );
    let places: BTreeSet<String> = found.iter().map(Change::place).collect();
    assert_eq!(
        places,
        BTreeSet::from([
            "GET /items response 200 /*/id".to_string(),
            "POST /items response 201 /id".to_string(),
        ])
    );
    let line = edited(&[("          format: int64", "          format: int32")])
        .lines()
        .position(|l| l.contains("format: int32"))
        .unwrap();
    assert!(
        found
            .iter()
            .all(|c| c.spec.as_ref().unwrap().line.unwrap() <= line + 1),
        "{found:#?}"
    );
}

#[test]
fn a_reordered_and_reformatted_spec_is_no_change() {
    let base = Spec::parse("base.yaml", BASE).unwrap();
    // The same document as JSON, keys sorted, arrays of names reversed, paths reordered.
    let mut value = base.value.clone();
    value["components"]["schemas"]["Item"]["required"] = serde_json::json!(["name", "id"]);
    value["components"]["schemas"]["NewItem"]["properties"]["kind"]["enum"] =
        serde_json::json!(["b", "a"]);
    let parameters = value["paths"]["/items"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    parameters.reverse();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let head = Spec::parse("head.json", &json).unwrap();
    assert_eq!(compare(&base, &head), vec![]);
}

#[test]
fn a_schema_that_reaches_itself_through_an_allof_terminates() {
    // The usual way to write a nullable self-reference in OpenAPI 3.0, and two schemas
    // reaching each other the same way.
    let spec = |name_type: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /l:\n    post:\n      operationId: postL\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/L'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n    L:\n      type: object\n      properties:\n        next: {{nullable: true, allOf: [{{$ref: '#/components/schemas/L'}}]}}\n        name: {{type: {name_type}}}\n    A:\n      type: object\n      properties:\n        b: {{allOf: [{{$ref: '#/components/schemas/B'}}]}}\n    B:\n      type: object\n      allOf: [{{$ref: '#/components/schemas/B'}}]\n      properties:\n        a: {{allOf: [{{$ref: '#/components/schemas/A'}}]}}\n        n: {{type: {name_type}}}\n"
        )
    };
    let base = Spec::parse("base.yaml", &spec("string")).unwrap();
    assert_eq!(compare(&base, &base), vec![]);
    let head = Spec::parse("head.yaml", &spec("integer")).unwrap();
    let found = rules_of(&compare(&base, &head));
    assert_eq!(
        found,
        BTreeSet::from([
            ("request-property-type-changed", B),
            ("response-property-type-changed", B)
        ])
    );
}

#[test]
fn a_recursive_schema_terminates() {
    // Item.parent is Item: comparing it must not loop, and a change inside is found once
    // per place it is reached from the root, not once per level of recursion.
    let found = changes(
        &[],
        &[(
            "        score:\n          type: number",
            "        rank:\n          type: integer\n        score:\n          type: number",
        )],
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

// The pull-request comment ---------------------------------------------------------------

/// A spec of `operations` operations, and a head where the first `removed` lose a required
/// response property, every one gains a response property and a header, and the first
/// `with_parameter` gain an optional query parameter.
fn many_changes(operations: usize, removed: usize, with_parameter: usize) -> (Spec, Spec) {
    let side = |head: bool| {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
        for i in 0..operations {
            let parameter = if head && i < with_parameter {
                "      parameters:\n        - {name: page, in: query, schema: {type: integer}}\n"
            } else {
                ""
            };
            let header = if head {
                "          headers:\n            X-Page: {schema: {type: integer}}\n"
            } else {
                ""
            };
            let required = if head && i < removed { "[b]" } else { "[a, b]" };
            let added = if head { ", c: {type: string}" } else { "" };
            text.push_str(&format!(
                "  /resources{i}:\n    get:\n      operationId: get{i}\n{parameter}      responses:\n        '200':\n          description: ok\n{header}          content:\n            application/json:\n              schema:\n                type: object\n                required: {required}\n                properties: {{a: {{type: string}}, b: {{type: string}}{added}}}\n"
            ));
        }
        Spec::parse(if head { "head.yaml" } else { "base.yaml" }, &text).unwrap()
    };
    (side(false), side(true))
}

fn markdown_of(base: &Spec, head: &Spec) -> (Vec<Change>, String) {
    let changes = compare(base, head);
    let sides = xtask::diff::render::Sides {
        base: "base.yaml".into(),
        head: "head.yaml".into(),
        release: None,
    };
    let markdown = xtask::diff::render::markdown(&sides, &changes, None);
    (changes, markdown)
}

#[test]
fn a_comment_with_200_changes_is_grouped_and_folded() {
    let (base, head) = many_changes(70, 10, 60);
    let (changes, markdown) = markdown_of(&base, &head);
    assert_eq!(changes.len(), 210);
    assert!(
        markdown.contains("<details open><summary>Breaking (10 changes)</summary>"),
        "{markdown}"
    );
    assert!(
        markdown.contains("By rule: `response-header-added` 70, `response-property-added` 70, `new-optional-request-parameter` 60"),
        "{markdown}"
    );
    assert!(
        markdown.contains("<details><summary>175 more</summary>"),
        "{markdown}"
    );
    // The breaking changes come first, unfolded, each a cause of its own (one place).
    let first_fold = markdown.find("more</summary>").unwrap();
    for i in 0..10 {
        let row =
            format!("| `response-property-became-optional` | `GET /resources{i} response 200");
        let at = markdown
            .find(&row)
            .unwrap_or_else(|| panic!("{row}: {markdown}"));
        assert!(at < first_fold);
    }
    let rows = markdown.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, changes.len(), "every change is a row");
    assert!(!markdown.contains("not shown"));
}

#[test]
fn a_comment_with_thousands_of_changes_fits_github() {
    let (base, head) = many_changes(700, 100, 700);
    let (changes, markdown) = markdown_of(&base, &head);
    assert_eq!(changes.len(), 2200);
    assert!(markdown.len() < 65_536, "{} characters", markdown.len());
    assert!(markdown.contains("<details open><summary>Breaking (100 changes)</summary>"));
    assert!(markdown.contains("more not shown (a comment has a size limit)"));
    // All the breaking ones still fit.
    let breaking = markdown
        .lines()
        .filter(|l| l.starts_with("| `response-property-became-optional`"))
        .count();
    assert_eq!(breaking, 100);
}

// The Rust impact ----------------------------------------------------------------------

const NO_OPERATION_IDS: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /widgets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Widget'
  /widgets/{id}:
    delete:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '204': {description: gone}
components:
  schemas:
    Widget:
      type: object
      properties:
        name: {type: string}
"#;

#[test]
fn the_rust_impact_of_a_spec_without_operation_ids_uses_derived_names() {
    use xtask::diff::rust_impact::rust_impact;
    let head = NO_OPERATION_IDS.replace(
        "components:",
        "  /gadgets:\n    get:\n      responses:\n        '204': {description: none}\ncomponents:",
    );
    let impact = rust_impact(("base.yaml", NO_OPERATION_IDS), ("head.yaml", &head), None);
    assert_eq!(impact.error, None);
    let items: Vec<(&str, &str)> = impact
        .changes
        .iter()
        .map(|c| (c.item.as_str(), c.change))
        .collect();
    assert_eq!(items, [("Client::get_gadgets", "added")], "{impact:#?}");
}

#[test]
fn a_field_added_to_a_generated_type_is_minor_since_the_types_are_non_exhaustive() {
    use xtask::diff::rust_impact::rust_impact;
    let head = NO_OPERATION_IDS.replace(
        "        name: {type: string}\n",
        "        name: {type: string}\n        size: {type: integer}\n",
    );
    let impact = rust_impact(("base.yaml", NO_OPERATION_IDS), ("head.yaml", &head), None);
    assert_eq!(impact.error, None);
    let added: Vec<(&str, bool)> = impact
        .changes
        .iter()
        .map(|c| (c.item.as_str(), c.breaking))
        .collect();
    assert_eq!(added, [("types::Widget.size", false)], "{impact:#?}");
    assert!(
        impact.changes[0].note.contains("non_exhaustive"),
        "{impact:#?}"
    );
}

#[test]
fn a_side_the_generator_cannot_take_is_one_line_in_the_report() {
    use xtask::diff::rust_impact::rust_impact;
    // A path item that is a `$ref`: valid OpenAPI, which progenitor cannot take.
    let head = NO_OPERATION_IDS.replace(
        "components:",
        "  /gizmos:\n    $ref: '#/paths/~1widgets'\ncomponents:",
    );
    let impact = rust_impact(("base.yaml", NO_OPERATION_IDS), ("head.yaml", &head), None);
    let error = impact.error.expect("the head does not generate");
    assert!(error.starts_with("does not generate: head.yaml"), "{error}");
    assert!(error.contains("/gizmos"), "{error}");
    assert!(
        !error.contains('\n') && !error.contains("panick"),
        "{error}"
    );
    // The wire part of the report still stands.
    let (base, head) = (
        Spec::parse("base.yaml", NO_OPERATION_IDS).unwrap(),
        Spec::parse("head.yaml", &head).unwrap(),
    );
    assert!(!compare(&base, &head).is_empty());
}

// The command -------------------------------------------------------------------------

/// A git repository whose `main` has the project's spec, and whose working tree adds a
/// required request property.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("openapi")).unwrap();
    let spec = include_str!("../../openapi/answering-agent.yaml");
    std::fs::write(root.join("openapi/answering-agent.yaml"), spec).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"answering-agent\"\nversion = \"0.3.1\"\n",
    )
    .unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    let changed = spec.replacen(
        "      required:\n        - external_id\n        - email\n",
        "      required:\n        - external_id\n        - email\n        - name\n",
        1,
    );
    assert_ne!(changed, spec);
    std::fs::write(root.join("openapi/answering-agent.yaml"), changed).unwrap();
    dir
}

#[test]
fn the_default_compares_the_merge_base_with_the_working_tree() {
    let repo = repository();
    let output = xtask(repo.path(), &["diff", "--format", "markdown"]);
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "breaking changes fail by default: {markdown}"
    );
    assert!(markdown.starts_with("### OpenAPI spec diff"), "{markdown}");
    assert!(markdown.contains("| Breaking | 1 (1) | 0 |"), "{markdown}");
    assert!(
        markdown.contains(
            "| `request-property-became-required` | `POST /organizations request body /owner/name`"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("Semver: major"), "{markdown}");
    assert!(markdown.contains("0.3.1 -> 0.4.0"), "{markdown}");
    // No release tag yet: the spec's first commit, at 0.3.1, is the last release.
    assert!(
        markdown.contains("merging this needs 0.4.0: the spec changes since "),
        "{markdown}"
    );
    assert!(
        markdown.contains("`types::NewOwner.name` | changed | yes"),
        "{markdown}"
    );
}

#[test]
fn fail_on_and_accepted_changes_set_the_exit_code() {
    let repo = repository();
    assert_eq!(
        xtask(repo.path(), &["diff", "--no-rust", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        xtask(
            repo.path(),
            &["diff", "--no-rust", "--fail-on", "potentially-breaking"]
        )
        .status
        .code(),
        Some(1)
    );
    std::fs::write(
        repo.path().join("openapi/accepted-changes.toml"),
        "[[accept]]\nrule = \"request-property-became-required\"\nplace = \"POST /organizations request body /owner/name\"\nreason = \"the server always required it\"\n",
    )
    .unwrap();
    let output = xtask(repo.path(), &["diff", "--no-rust"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("[accepted: the server always required it]"),
        "{text}"
    );
}

#[test]
fn revisions_files_and_json() {
    let repo = repository();
    git(repo.path(), &["commit", "-q", "-am", "head"]);
    let output = xtask(
        repo.path(),
        &[
            "diff",
            "--no-rust",
            "--base",
            "main~1",
            "--head",
            "main",
            "--format",
            "json",
        ],
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        document["changes"][0]["rule"],
        "request-property-became-required"
    );
    assert_eq!(document["changes"][0]["level"], "breaking");
    assert!(
        document["base"].as_str().unwrap().starts_with("main~1@"),
        "{document}"
    );

    let base = repo.path().join("base.yaml");
    std::fs::write(&base, include_str!("../../openapi/answering-agent.yaml")).unwrap();
    let output = xtask(
        repo.path(),
        &[
            "diff",
            "--no-rust",
            base.to_str().unwrap(),
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no changes"));
}

#[test]
fn bad_input_names_the_side_and_the_place() {
    let repo = repository();
    let cases: [(&[&str], &str); 4] = [
        (
            &["diff", "--base", "no-such-branch"],
            "error: base: unknown git revision `no-such-branch`",
        ),
        (
            &["diff", "missing.yaml", "other.yaml"],
            "error: base: missing.yaml",
        ),
        (
            &[
                "diff",
                "--head",
                "main",
                "--base",
                "main",
                "extra.yaml",
                "x.yaml",
            ],
            "not both",
        ),
        (&["diff", "--base", "main"], ""),
    ];
    for (args, expected) in &cases[..3] {
        let output = xtask(repo.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    std::fs::write(
        repo.path().join("openapi/answering-agent.yaml"),
        "openapi: 3.0.3\npaths: [\n",
    )
    .unwrap();
    let output = xtask(repo.path(), cases[3].0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: head (openapi/answering-agent.yaml (working tree)): openapi/answering-agent.yaml (working tree):"), "{stderr}");
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}

// Properties ---------------------------------------------------------------------------

/// Property tests over a corpus: the repository's spec, the fixture, and every side of every
/// case above.
mod properties {
    use std::collections::BTreeSet;

    use answering_agent_spec::{Spec, pointer::escape};
    use fastrand::Rng;
    use serde_json::{Value, json};
    use xtask::diff::compare::compare;
    use xtask::diff::rules::RULES;

    use super::{BASE, CASES, edited};

    const REPOSITORY_SPEC: &str = include_str!("../../openapi/answering-agent.yaml");

    fn corpus() -> Vec<(String, String)> {
        let mut texts = BTreeSet::new();
        texts.insert(REPOSITORY_SPEC.to_string());
        texts.insert(BASE.to_string());
        for (_, base_edits, head_edits, _) in CASES {
            texts.insert(edited(base_edits));
            texts.insert(edited(head_edits));
        }
        texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| (format!("corpus-{i}.yaml"), text))
            .collect()
    }

    /// The same document written another way: keys in another order, and every list whose
    /// order means nothing (`required`, `enum`, `parameters`, compositions, security,
    /// servers) shuffled.
    fn shuffled(value: &Value, rng: &mut Rng, key: &str) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                rng.shuffle(&mut entries);
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), shuffled(v, rng, k)))
                        .collect(),
                )
            }
            Value::Array(items) => {
                let mut items: Vec<Value> = items.iter().map(|v| shuffled(v, rng, "")).collect();
                let unordered = [
                    "required",
                    "enum",
                    "parameters",
                    "allOf",
                    "anyOf",
                    "oneOf",
                    "security",
                    "servers",
                    "tags",
                ];
                if unordered.contains(&key) {
                    rng.shuffle(&mut items);
                }
                Value::Array(items)
            }
            other => other.clone(),
        }
    }

    #[test]
    fn a_spec_against_itself_reordered_and_reserialized_is_no_change() {
        let corpus = corpus();
        assert!(corpus.len() > 150, "{} specs", corpus.len());
        for (name, text) in &corpus {
            let spec = Spec::parse(name.as_str(), text).unwrap();
            assert_eq!(compare(&spec, &spec), vec![], "{name} against itself");
            for seed in 0..2 {
                let mut rng = Rng::with_seed(seed);
                let value = shuffled(&spec.value, &mut rng, "");
                let (file, text) = if seed % 2 == 0 {
                    (
                        "shuffled.json",
                        serde_json::to_string_pretty(&value).unwrap(),
                    )
                } else {
                    ("shuffled.yaml", serde_norway::to_string(&value).unwrap())
                };
                let other = Spec::parse(file, &text).unwrap();
                let found = compare(&spec, &other);
                assert!(
                    found.is_empty(),
                    "{name} against itself shuffled (seed {seed}): {found:#?}"
                );
            }
        }
    }

    /// What a mutation does to the node at a pointer.
    #[derive(Clone, Copy, Debug)]
    enum Mutation {
        RemoveOperation,
        DeprecateToggle,
        RemoveParameter,
        FlipRequired,
        RemoveResponse,
        ChangeType,
        ToggleNullable,
        ChangeFormat,
        ChangeDefault,
        ChangeEnum,
        ChangeMaxLength,
        ChangeMaximum,
        ChangePattern,
        RemoveProperty,
        AddRequiredProperty,
    }

    /// Every place a change must be seen: operations, parameters, responses, and the
    /// schemas they reach (through `$ref`s, properties, items and compositions), except
    /// inside properties that do not travel (`readOnly`, `writeOnly`).
    fn sites(spec: &Spec) -> Vec<(String, Mutation)> {
        let mut sites = Vec::new();
        let mut seen = BTreeSet::new();
        let Some(Value::Object(paths)) = spec.get("/paths") else {
            return sites;
        };
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "patch"] {
                if item.get(method).is_none() {
                    continue;
                }
                let operation = format!("/paths/{}/{method}", escape(path));
                sites.push((operation.clone(), Mutation::RemoveOperation));
                sites.push((operation.clone(), Mutation::DeprecateToggle));
                let parameters = spec
                    .get(&format!("{operation}/parameters"))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                for index in 0..parameters {
                    let entry = format!("{operation}/parameters/{index}");
                    let Ok((parameter, pointer)) = spec.resolve(&entry) else {
                        continue;
                    };
                    sites.push((entry, Mutation::RemoveParameter));
                    if parameter.get("in").and_then(Value::as_str) != Some("path") {
                        sites.push((pointer.clone(), Mutation::FlipRequired));
                    }
                    schema_sites(spec, &format!("{pointer}/schema"), &mut sites, &mut seen);
                }
                for content in [format!("{operation}/requestBody")] {
                    if let Ok((body, pointer)) = spec.resolve(&content) {
                        for media in body
                            .get("content")
                            .and_then(Value::as_object)
                            .into_iter()
                            .flatten()
                        {
                            let schema = format!("{pointer}/content/{}/schema", escape(media.0));
                            schema_sites(spec, &schema, &mut sites, &mut seen);
                        }
                    }
                }
                let statuses: Vec<String> = spec
                    .get(&format!("{operation}/responses"))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                for status in statuses {
                    let response = format!("{operation}/responses/{}", escape(&status));
                    sites.push((response.clone(), Mutation::RemoveResponse));
                    let Ok((node, pointer)) = spec.resolve(&response) else {
                        continue;
                    };
                    for media in node
                        .get("content")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let schema = format!("{pointer}/content/{}/schema", escape(media.0));
                        schema_sites(spec, &schema, &mut sites, &mut seen);
                    }
                }
            }
        }
        sites
    }

    fn schema_sites(
        spec: &Spec,
        pointer: &str,
        sites: &mut Vec<(String, Mutation)>,
        seen: &mut BTreeSet<String>,
    ) {
        let Ok((schema, pointer)) = spec.resolve(pointer) else {
            return;
        };
        if !seen.insert(pointer.clone()) {
            return;
        }
        let flag = |k: &str| schema.get(k) == Some(&Value::Bool(true));
        if flag("readOnly") || flag("writeOnly") {
            return;
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            for mutation in [
                Mutation::ChangeType,
                Mutation::ToggleNullable,
                Mutation::ChangeFormat,
                Mutation::ChangeDefault,
                Mutation::DeprecateToggle,
            ] {
                sites.push((pointer.clone(), mutation));
            }
            match kind {
                "string" => {
                    sites.push((pointer.clone(), Mutation::ChangeEnum));
                    sites.push((pointer.clone(), Mutation::ChangeMaxLength));
                    sites.push((pointer.clone(), Mutation::ChangePattern));
                }
                "integer" | "number" => sites.push((pointer.clone(), Mutation::ChangeMaximum)),
                "object" => sites.push((pointer.clone(), Mutation::AddRequiredProperty)),
                _ => {}
            }
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for name in properties.keys() {
                let property = format!("{pointer}/properties/{}", escape(name));
                let travels = spec.resolve(&property).is_ok_and(|(p, _)| {
                    p.get("readOnly") != Some(&Value::Bool(true))
                        && p.get("writeOnly") != Some(&Value::Bool(true))
                });
                if travels {
                    sites.push((property.clone(), Mutation::RemoveProperty));
                    schema_sites(spec, &property, sites, seen);
                }
            }
        }
        if schema.get("items").is_some() {
            schema_sites(spec, &format!("{pointer}/items"), sites, seen);
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let members = schema
                .get(keyword)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for index in 0..members {
                schema_sites(spec, &format!("{pointer}/{keyword}/{index}"), sites, seen);
            }
        }
    }

    /// Applies a mutation to the node at `pointer`.
    fn mutate(value: &mut Value, pointer: &str, mutation: Mutation) {
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let last = last.replace("~1", "/").replace("~0", "~");
        if matches!(
            mutation,
            Mutation::RemoveOperation | Mutation::RemoveResponse | Mutation::RemoveProperty
        ) {
            value
                .pointer_mut(parent)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(&last);
            return;
        }
        if let Mutation::RemoveParameter = mutation {
            let index: usize = last.parse().unwrap();
            value
                .pointer_mut(parent)
                .unwrap()
                .as_array_mut()
                .unwrap()
                .remove(index);
            return;
        }
        let node = value.pointer_mut(pointer).unwrap().as_object_mut().unwrap();
        let toggle = |node: &mut serde_json::Map<String, Value>, key: &str| {
            let on = node.get(key) == Some(&Value::Bool(true));
            node.insert(key.to_string(), Value::Bool(!on));
        };
        match mutation {
            Mutation::DeprecateToggle => toggle(node, "deprecated"),
            Mutation::FlipRequired => toggle(node, "required"),
            Mutation::ToggleNullable => toggle(node, "nullable"),
            Mutation::ChangeType => {
                let new = match node.get("type").and_then(Value::as_str) {
                    Some("boolean") => "string",
                    _ => "boolean",
                };
                node.insert("type".into(), json!(new));
            }
            Mutation::ChangeFormat => {
                let new = if node.get("format") == Some(&json!("mutated")) {
                    "mutated-again"
                } else {
                    "mutated"
                };
                node.insert("format".into(), json!(new));
            }
            Mutation::ChangeDefault => {
                let new = match node.get("default") {
                    Some(Value::String(s)) => json!(format!("{s}-changed")),
                    _ => json!("a default nobody had"),
                };
                node.insert("default".into(), new);
            }
            Mutation::ChangeEnum => match node.get_mut("enum") {
                Some(Value::Array(values)) => values.push(json!("a-new-value")),
                _ => {
                    node.insert("enum".into(), json!(["only-this"]));
                }
            },
            Mutation::ChangeMaxLength => {
                let new = node
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .map_or(7, |n| n + 1);
                node.insert("maxLength".into(), json!(new));
            }
            Mutation::ChangeMaximum => {
                let new = node
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .map_or(7.0, |n| n + 1.0);
                node.insert("maximum".into(), json!(new));
            }
            Mutation::ChangePattern => {
                let new = match node.get("pattern").and_then(Value::as_str) {
                    Some(p) => format!("{p}|mutated"),
                    None => "^mutated$".to_string(),
                };
                node.insert("pattern".into(), json!(new));
            }
            Mutation::AddRequiredProperty => {
                let properties = node
                    .entry("properties")
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .unwrap();
                properties.insert("mutation_added".into(), json!({"type": "string"}));
                let required = node.entry("required").or_insert_with(|| json!([]));
                required
                    .as_array_mut()
                    .unwrap()
                    .push(json!("mutation_added"));
            }
            Mutation::RemoveOperation
            | Mutation::RemoveResponse
            | Mutation::RemoveProperty
            | Mutation::RemoveParameter => unreachable!(),
        }
    }

    #[test]
    fn a_random_single_mutation_is_reported() {
        let mut tried = 0;
        let mut missed = Vec::new();
        for (name, text) in [
            ("answering-agent.yaml", REPOSITORY_SPEC),
            ("fixture.yaml", BASE),
        ] {
            let base = Spec::parse(name, text).unwrap();
            let sites = sites(&base);
            assert!(
                sites.len() > 50,
                "{name}: only {} places to mutate",
                sites.len()
            );
            let mut rng = Rng::with_seed(2026);
            for _ in 0..200 {
                let (pointer, mutation) = &sites[rng.usize(..sites.len())];
                let mut value = base.value.clone();
                mutate(&mut value, pointer, *mutation);
                // The mutated document, parsed: only its line numbers are the old ones.
                let mut head = base.clone();
                head.value = value;
                tried += 1;
                let found = compare(&base, &head);
                if found.is_empty() {
                    missed.push(format!("{name}: {mutation:?} at {pointer}"));
                }
                for change in &found {
                    assert!(
                        RULES.iter().any(|(rule, _, _)| *rule == change.rule),
                        "{change:?} is not a rule in rules.rs"
                    );
                }
            }
        }
        missed.sort();
        missed.dedup();
        assert!(
            missed.is_empty(),
            "{} of {tried} mutations were not reported:\n{}",
            missed.len(),
            missed.join("\n")
        );
    }
}
