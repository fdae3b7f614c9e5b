// Lease owners: the id a `sluice run` process claims triggers and deliveries under.
#pragma once

#include <string>

namespace sluice {

// "host:pid:random" - unique per process start, readable in `sluice status`.
std::string makeLeaseOwner();

// True when owner names a process on this machine that no longer exists (its leases can be
// taken at once instead of waiting for them to expire). False for other machines' owners, for
// live processes and for anything that does not parse.
bool leaseOwnerGoneHere(const std::string& owner);

}  // namespace sluice
