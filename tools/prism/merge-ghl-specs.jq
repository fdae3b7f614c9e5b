# Merges GHL's per-product OpenAPI files (and ../common/common-schemas.json) into one document
# for Prism: each file's component schemas get the file's name as a prefix (42 names repeat
# across files with other shapes), and its $refs follow them: to its own schema, or to the
# common file's (also where a file names a common schema as if it were its own, as links.json
# does with BadRequestDTO).
def prefixed($stem; $own):
  walk(if type == "object" and has("$ref") and (.["$ref"] | type) == "string"
       then .["$ref"] |= ((sub("^.*#/components/schemas/"; "")) as $name
                          | if startswith("#/") and ($own | index([$name]))
                            then "#/components/schemas/\($stem)__\($name)"
                            else "#/components/schemas/common__\($name)" end)
       else . end);
reduce inputs as $doc ({openapi: "3.0.0", info: {title: "HighLevel (merged)", version: "1"},
                        servers: [{url: "https://services.leadconnectorhq.com"}],
                        paths: {}, components: {schemas: {}, securitySchemes: {}}};
  ($doc | input_filename | split("/") | last | sub("-schemas\\.json$|\\.json$"; "")) as $stem
  | ($doc | prefixed($stem; ($doc.components.schemas // {}) | keys)) as $d
  | .paths += ($d.paths // {})
  | .components.schemas += (($d.components.schemas // {}) | with_entries(.key = "\($stem)__\(.key)"))
  | .components.securitySchemes += ($d.components.securitySchemes // {}))
# A schema typed "any" (conversations' startAfterDate) is not JSON Schema: Ajv refuses the whole
# query schema and Prism then checks nothing of that operation's query. Untyped means any value.
| walk(if type == "object" and .type == "any" then del(.type) else . end)
