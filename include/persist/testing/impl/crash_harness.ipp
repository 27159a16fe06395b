// Out-of-line definitions for <persist/testing/crash_harness.hpp>.
#ifndef PERSIST_TESTING_IMPL_CRASH_HARNESS_IPP
#define PERSIST_TESTING_IMPL_CRASH_HARNESS_IPP

#include <persist/testing/crash_harness.hpp>

#include <cstdlib>
#include <set>

namespace persist {
namespace detail {

class crash_runner {
public:
    crash_runner(crash_check const& check, crash_report& report) : check_(check), report_(report) {}

    void crash_here(memory_fs const& fs, crash_moment moment, memory_fs::crash_point const* point) {
        // Two crash points with the same pending operations and the same
        // place in the workload crash the same state: check it once.
        auto signature = fs.pending_operations();
        signature.push_back(std::to_string(moment.completed) + (moment.in_step ? "+" : ""));
        if (signature == last_signature_) return;
        last_signature_ = std::move(signature);
        moment.point = report_.crash_points++;

        if (check_.power_loss) {
            auto const crashed = fs.crash(check_.options);
            if (!crashed.exhaustive) report_.seeds.push_back(crashed.seed);
            for (auto const& image : crashed.images) {
                ++report_.power_loss_images;
                distinct_.insert(image.canonical());
                check_image(image, moment, true, check_.power_loss);
            }
        }
        if (check_.process_crash) {
            ++report_.process_images;
            check_image(fs.process_crash(), moment, false, check_.process_crash);
            if (point != nullptr && point->op == fs_op::write && point->bytes.size() >= 2) {
                ++report_.process_images;
                auto const half = point->bytes.first(point->bytes.size() / 2);
                check_image(fs.process_crash_during_write(point->file, half), moment, false,
                            check_.process_crash);
            }
        }
    }

    std::size_t distinct_images() const { return distinct_.size(); }

private:
    void check_image(memory_image const& image, crash_moment const& moment, bool power_loss,
                     crash_invariant const& invariant) {
        auto rebooted = memory_fs::reboot(image, check_.fs_options);
        auto why = invariant(rebooted, moment);
        if (why.empty()) return;
        ++report_.violation_count;
        if (report_.violations.size() < check_.kept_violations) {
            report_.violations.push_back(
                crash_violation{power_loss, moment, std::move(why), image});
        }
    }

    crash_check const& check_;
    crash_report& report_;
    std::vector<std::string> last_signature_;
    std::set<std::string> distinct_;
};

}  // namespace detail

PERSIST_DECL std::string crash_moment::describe() const {
    if (!in_step) {
        if (completed == 0) return "before the first step";
        return "after step " + std::to_string(completed) + " returned " +
               (succeeded.empty() || succeeded.back() ? "OK" : "an error");
    }
    std::string text = "during step " + std::to_string(completed + 1);
    if (before) text += ", before " + std::string(fs_op_name(*before));
    return text;
}

PERSIST_DECL std::string crash_violation::describe() const {
    return std::string(power_loss ? "power loss " : "process crash ") + moment.describe() + ": " +
           why + "\n" + image.how() + "the image:\n" + image.describe();
}

PERSIST_DECL std::string crash_report::summary() const {
    std::string text = std::to_string(crash_points) + " crash points, " +
                       std::to_string(power_loss_images) + " power-loss images (" +
                       std::to_string(distinct_images) + " distinct), " +
                       std::to_string(process_images) + " process-crash images";
    if (violation_count > 0) text += ", " + std::to_string(violation_count) + " violations";
    if (!seeds.empty())
        text += ", " + std::to_string(seeds.size()) + " sampled (first seed " +
                std::to_string(seeds.front()) + ")";
    return text;
}

PERSIST_DECL std::string crash_report::first_violations() const {
    std::string text;
    for (auto const& v : violations)
        text += v.describe() + "\n";
    return text;
}

PERSIST_DECL crash_report run_crash_check(crash_workload const& workload,
                                          crash_check const& given) {
    crash_check check = given;
    if (char const* seed = std::getenv("PERSIST_CRASH_SEED");
        seed != nullptr && *seed != '\0' && !check.options.seed) {
        check.options.seed = std::strtoull(seed, nullptr, 10);
    }
    crash_report report;
    memory_fs fs(check.fs_options);
    if (workload.setup) workload.setup(fs);
    fs.sync_all();

    detail::crash_runner runner(check, report);
    crash_moment moment;
    fs.set_crash_point_observer([&](memory_fs::crash_point const& point) {
        auto at = moment;
        at.before = point.op;
        runner.crash_here(fs, at, &point);
    });
    for (auto const& step : workload.steps) {
        moment.in_step = true;
        bool const ok = step(fs);
        moment.in_step = false;
        ++moment.completed;
        moment.succeeded.push_back(ok);
        report.step_results.push_back(ok);
        runner.crash_here(fs, moment, nullptr);
    }
    fs.set_crash_point_observer({});
    report.distinct_images = runner.distinct_images();
    return report;
}

}  // namespace persist

#endif
