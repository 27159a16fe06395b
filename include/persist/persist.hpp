// Every public name of persist in one include: the front door, atomic_file
// and its policies, the stores, and the JSON helpers they share. The test
// filesystems (memory_fs, fault_fs, counting_fs) and the crash harness are
// not here: they are for tests, not for programs, and live in
// <persist/testing/...> (link persist::testing).
#ifndef PERSIST_PERSIST_HPP
#define PERSIST_PERSIST_HPP

#include <persist/atomic_file.hpp>
#include <persist/default_file.hpp>
#include <persist/durability/data_sync.hpp>
#include <persist/durability/durability_policy.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/error.hpp>
#include <persist/fs/fs_decorator.hpp>
#include <persist/fs/fs_policy.hpp>
#include <persist/fs/posix_fs.hpp>
#include <persist/json_edit.hpp>
#include <persist/json_parser.hpp>
#include <persist/json_pointer.hpp>
#include <persist/json_text.hpp>
#include <persist/naming/anonymous_temp.hpp>
#include <persist/naming/naming_policy.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/naming/temp_dir.hpp>
#include <persist/sink.hpp>
#include <persist/store/jsonl_log.hpp>
#include <persist/store/jsonl_reader.hpp>
#include <persist/store/jsonl_recovery.hpp>
#include <persist/store/settings_store.hpp>
#include <persist/store/state_file.hpp>
#include <persist/store/state_migration.hpp>
#include <persist/sweep.hpp>
#include <persist/tolerant_conversion.hpp>

#endif
