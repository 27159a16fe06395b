// Template bodies of <persist/store/jsonl_recovery.hpp>.
#ifndef PERSIST_STORE_IMPL_JSONL_RECOVERY_HPP
#define PERSIST_STORE_IMPL_JSONL_RECOVERY_HPP

#include <persist/detail/unique_handle.hpp>
#include <persist/detail/validate_path.hpp>
#include <persist/store/detail/file_lock.hpp>
#include <persist/store/detail/jsonl_line.hpp>
#include <persist/store/detail/jsonl_tail.hpp>
#include <persist/store/detail/private_files.hpp>
#include <persist/store/detail/quarantine_name.hpp>

#include <string>

namespace persist {

namespace detail {

/// The options a quarantine file is written with: af's, but a symbolic link
/// planted at the quarantine's name is replaced, never written through
/// (README, "Security"), and nothing is backed up.
inline atomic_file_options quarantine_options_of(atomic_file_options options) {
    options.symlinks = symlink_mode::replace;
    options.keep_backup = false;
    return options;
}

/// `<log>.torn-<UTC timestamp>`, or with `-1`, `-2`, ... appended if that
/// name is taken. The caller holds the log's lock, so no cooperating
/// process takes the name between this check and the write (and the write
/// replaces whatever else might: quarantine_options_of).
template <class Fs>
io_result<std::filesystem::path> free_quarantine_path(Fs& fs, std::filesystem::path const& log) {
    auto const time = utc_now();
    for (unsigned attempt = 0; attempt < quarantine_name_attempts; ++attempt) {
        auto candidate = quarantine_path_of(log, "torn", time, attempt);
        auto status = fs.lstat(candidate);
        if (!status && status.error() == std::errc::no_such_file_or_directory) return candidate;
        if (!status) return status.error();
    }
    return std::make_error_code(std::errc::file_exists);
}

/// What reading the log from start_offset found: records, corrupt lines,
/// size.
template <class Fs>
result<jsonl_recovery_report> survey_log(jsonl_reader<Fs>& reader, std::uint64_t start_offset) {
    for (;;) {
        auto record = reader.next();
        if (!record) return record.error();
        if (!*record) break;
    }
    jsonl_recovery_report report;
    report.records = reader.record_count();
    auto const& tail = reader.unterminated_line();
    bool const torn = tail && !tail->is_record;
    report.corrupt_line_count = reader.bad_line_count() - (torn ? 1 : 0);
    for (auto const& bad : reader.bad_lines()) {
        if (bad.terminated) report.corrupt_lines.push_back(bad);
    }
    report.size = reader.terminated_size() + (tail ? tail->length : 0);
    report.checked_offset = start_offset;
    return report;
}

/// A last record without its '\n': adds it, synced per the tier.
template <class Durability, class Fs>
result<jsonl_recovery_report> terminate_last_record(Fs& fs, typename Fs::handle append_handle,
                                                    std::filesystem::path const& log,
                                                    jsonl_recovery_report report) {
    if (auto added = fs.write(append_handle, std::as_bytes(std::span("\n", 1))); !added) {
        return error(stage::recover, added.error(), log, {},
                     "cannot add the missing newline after the last record");
    }
    if (auto synced = Durability::sync_file(fs, append_handle); !synced) {
        return error(stage::recover, synced.error(), log, {},
                     "cannot sync the newline added to the last record");
    }
    report.added_newline = true;
    report.size += 1;
    return report;
}

/// A torn tail: saves its bytes under a free `.torn-` name, then cuts the
/// log back to its last whole line, synced per the tier.
template <atomic_file_type AtomicFile>
result<jsonl_recovery_report> quarantine_torn_tail(
    AtomicFile const& af, std::filesystem::path const& log,
    typename AtomicFile::fs_type::handle append_handle, jsonl_unterminated_line const& tail,
    jsonl_recovery_report report) {
    using Durability = typename AtomicFile::durability_type;
    auto& fs = af.fs();
    auto quarantine = free_quarantine_path(fs, log);
    if (!quarantine) {
        return error(stage::recover, quarantine.error(), log, {},
                     "cannot find a free name for the torn tail");
    }
    if (auto saved = af.replace(*quarantine, tail.bytes, quarantine_options_of(af.options()));
        !saved) {
        return error(
            stage::recover, saved.error().code(), log, *quarantine,
            "cannot save the torn tail (" + saved.error().message() + "); the log is untouched");
    }
    auto const kept = tail.offset;
    auto const in_quarantine = "; the torn tail (" + std::to_string(tail.length) +
                               " bytes at offset " + std::to_string(kept) +
                               ") is saved in the quarantine file";
    if (auto cut = fs.truncate(append_handle, kept); !cut) {
        return error(stage::recover, cut.error(), log, *quarantine,
                     "cannot truncate the log" + in_quarantine);
    }
    if (auto synced = Durability::sync_file(fs, append_handle); !synced) {
        return error(stage::recover, synced.error(), log, *quarantine,
                     "cannot sync the truncated log" + in_quarantine);
    }
    report.torn_offset = kept;
    report.torn_bytes = tail.length;
    report.quarantine_path = std::move(*quarantine);
    report.size = kept;
    return report;
}

/// A reader over the lines `check` looks at: every line, or those from
/// tail_check_start (read with read_at), which it sets options.start_offset to.
template <class Fs>
result<jsonl_reader<Fs>> open_checked_lines(Fs& fs, std::filesystem::path const& log,
                                            jsonl_read_options& options, jsonl_open_check check) {
    if (check == jsonl_open_check::full) return jsonl_reader<Fs>::open(fs, log, options);
    auto opened = fs.open_read(log, options.owner);
    if (!opened) return error(stage::read, opened.error(), log);
    unique_handle<Fs> file(fs, *opened);
    auto status = fs.stat(file.get());
    if (!status) return error(stage::read, status.error(), log, {}, "cannot inspect the log");
    auto start = tail_check_start(fs, file.get(), status->size, jsonl_tail_block);
    if (!start) {
        return error(stage::read, start.error(), log, {},
                     "cannot read the end of the log (" + std::to_string(status->size) +
                         " bytes) to find its last lines");
    }
    options.start_offset = *start;
    return jsonl_reader<Fs>(fs, file.release(), log, options);
}

template <atomic_file_type AtomicFile>
result<jsonl_recovery_report> recover_locked(AtomicFile const& af, std::filesystem::path const& log,
                                             typename AtomicFile::fs_type::handle append_handle,
                                             jsonl_corruption corruption, jsonl_open_check check) {
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;
    options.keep_line_bytes = true;
    options.owner = owner_of_target(af.options().symlinks);
    auto reader = open_checked_lines(af.fs(), log, options, check);
    if (!reader) return reader.error();
    auto report = survey_log(*reader, options.start_offset);
    if (!report) return report.error();
    if (corruption == jsonl_corruption::fail && report->corrupt_line_count != 0) {
        return error(stage::parse, errc::corrupt_data, log, {},
                     report->corrupt_lines.front().detail);
    }
    auto const& tail = reader->unterminated_line();
    if (!tail) return report;
    if (tail->is_record) {
        return terminate_last_record<typename AtomicFile::durability_type>(af.fs(), append_handle,
                                                                           log, std::move(*report));
    }
    return quarantine_torn_tail(af, log, append_handle, *tail, std::move(*report));
}

}  // namespace detail

template <atomic_file_type AtomicFile>
result<jsonl_recovery_report> recover_jsonl(AtomicFile const& af, std::filesystem::path const& log,
                                            jsonl_corruption corruption, jsonl_open_check check) {
    if (auto valid = detail::validate_file_path(log); !valid) return valid.error();
    auto const private_af = detail::with_private_new_files(af);
    auto& fs = private_af.fs();
    if (auto status = fs.stat(log);
        !status && status.error() == std::errc::no_such_file_or_directory) {
        return jsonl_recovery_report{};
    }
    auto lock = detail::lock_file(fs, log);
    if (!lock) return lock.error();
    auto status = fs.stat(log);
    if (!status && status.error() == std::errc::no_such_file_or_directory)
        return jsonl_recovery_report{};
    if (!status) return error(stage::read, status.error(), log);
    if (status->kind == file_kind::directory) {
        return error(stage::validate, std::make_error_code(std::errc::is_a_directory), log);
    }
    auto opened = fs.open_append(log, 0600, owner_of_target(af.options().symlinks));
    if (!opened)
        return error(stage::recover, opened.error(), log, {}, "cannot open the log for repair");
    detail::unique_handle<typename AtomicFile::fs_type> file(fs, *opened);
    return detail::recover_locked(private_af, log, file.get(), corruption, check);
}

}  // namespace persist

#endif
