// The guarantee column from the crash checker (see guarantee.hpp).
#include "guarantee.hpp"

namespace persist::bench {

guarantee crash_checked_guarantee(test::replace_function const& replace) {
    auto const verdict = test::judge_replace(replace);
    return {verdict.process_crash, verdict.power_loss_atomic, verdict.power_loss_durable,
            guarantee_source::crash_checked};
}

}  // namespace persist::bench
