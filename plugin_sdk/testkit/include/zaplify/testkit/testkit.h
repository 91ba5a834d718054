#pragma once
// The plugin test kit: link ZaplifyAnalyticsSDK::testkit and include this header.
//   SqliteStore   — a real SQLite store with the server's own schema (sqlite_store.h)
//   FakeHost      — records registrations, runs routes and data sources (fake_host.h)
//   FixedCalendar — the server's calendar with a clock that stands still (fixed_calendar.h)
//   PluginLibrary — a built plugin .so, its config checked by the server's rules (plugin_library.h)
#include "zaplify/testkit/fake_host.h"
#include "zaplify/testkit/fixed_calendar.h"
#include "zaplify/testkit/plugin_library.h"
#include "zaplify/testkit/sqlite_store.h"
