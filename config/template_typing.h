// Templates typed against what the vendor's spec says a trigger's records and an action's answer
// hold (catalog/record_fields.h): `{{trigger.emial}}` on records with `email`, or
// `{{steps.contact.contact.idd}}`, is a warning with "did you mean ...?". A path the spec leaves
// open (free-form metadata, custom fields) is never flagged. Only `sluice check` runs it: the
// record fields are read from the catalog's records.json files then, not held by `sluice run`.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"

namespace sluice {

// A warning "flow F step N: '{{...}}': ..." at the template for each one that reads a field its
// source does not have, in flow order. Flows and steps whose operation is unknown (a mistake
// reported by the loader) are passed over.
std::vector<Diagnostic> typeTemplates(const Config& config, const Catalog& catalog);

}  // namespace sluice
