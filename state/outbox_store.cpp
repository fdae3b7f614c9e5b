#include "state/outbox_store.h"

#include "core/error.h"

namespace sluice {

const char* toString(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::Pending:
      return "pending";
    case DeliveryStatus::Done:
      return "done";
    case DeliveryStatus::Dead:
      return "dead";
  }
  return "unknown";
}

DeliveryStatus parseDeliveryStatus(const std::string& text) {
  if (text == "pending") return DeliveryStatus::Pending;
  if (text == "done") return DeliveryStatus::Done;
  if (text == "dead") return DeliveryStatus::Dead;
  throw StateError("state: unknown delivery status '" + text + "' in the outbox");
}

}  // namespace sluice
