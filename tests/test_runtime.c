/* Runtime tests (issue 3): mailboxes and selective receive, exit signals,
 * links and monitors, and the shell transcript of the demos compared
 * with what erl prints. */
#include <criterion/criterion.h>
#include <string.h>
#include "tests/harness.h"
#include "traces/trace.h"

Test(runtime, selective_receive_keeps_arrival_order)
{
    hrun *h = h_run("tests/cases/mailbox.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "expectations: %d, checks: %d",
                 h->r.failed_expects, h->r.failed_checks);
    h_free(h);
}

Test(runtime, exit_signal_semantics)
{
    hrun *h = h_run("tests/cases/signals.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "expectations: %d", h->r.failed_expects);
    /* P and Q were killed, then exit(self(), kill) the evaluator */
    cr_assert_eq(h_count(h, "exit", "alice", NULL, "killed"), 3);
    h_free(h);
}

Test(runtime, links_and_trap_exit)
{
    hrun *h = h_run("scenarios/book/links.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED);
    /* P, the evaluator linked to it, and Q (whose exit was trapped) */
    cr_assert_eq(h_count(h, "exit", "alice", NULL, "boom"), 3);
    /* spawning an unknown function logs erts' error report */
    const hev *l = h_find(h, "log", "alice", NULL, "error", 0);
    cr_assert(l && strstr(l->text, "with exit value:\n{undef,[{nomod,nofun,[],[]}]}"));
    h_free(h);
}

Test(runtime, monitors)
{
    hrun *h = h_run("scenarios/book/monitors.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED);
    cr_assert_eq(h_count(h, "down", "alice", NULL, "noproc"), 2);
    cr_assert_eq(h_count(h, "down", "alice", NULL, "killed"), 1);
    h_free(h);
}

/* What erl 25 prints for the same session (pids aside: erl's evaluator
 * spawns helpers between prompts, so its numbers run ahead). */
static const char echo_transcript[] =
    "(alice@sim)1> Pid = spawn(echo, loop, []).\n"
    "<0.88.0>\n"
    "(alice@sim)2> Pid ! {self(), \"hello from alice!\"}.\n"
    "{<0.87.0>,\"hello from alice!\"}\n"
    "(alice@sim)3> receive {echo, Msg} -> Msg after 1000 -> timeout end.\n"
    "\"hello from alice!\"\n"
    "(alice@sim)4> register(echo, Pid).\n"
    "true\n"
    "(alice@sim)5> echo ! {self(), hi}, echo ! {self(), there}.\n"
    "{<0.87.0>,there}\n"
    "(alice@sim)6> flush().\n"
    "Shell got {echo,hi}\n"
    "Shell got {echo,there}\n"
    "ok\n"
    "(alice@sim)7> nosuch ! hi.\n"
    "** exception error: bad argument\n"
    "     in operator  !/2\n"
    "        called as nosuch ! hi\n"
    "(alice@sim)8> whereis(echo) =:= Pid.\n"
    "true\n";

Test(runtime, echo_demo_transcript)
{
    hrun *h = h_run("scenarios/book/echo.json", 0);
    cr_assert_str_eq(h->transcript, echo_transcript);
    h_free(h);
}

static const char remote_spawn_transcript[] =
    "(alice@sim)1> Pid = spawn('bob@sim', echo, loop, []).\n"
    "<2.88.0>\n"
    "(alice@sim)2> node(Pid).\n"
    "bob@sim\n"
    "(alice@sim)3> Pid ! {self(), ping}, receive {echo, X} -> X after 1000 -> timeout end.\n"
    "ping\n"
    "(alice@sim)4> spawn('bob@sim', hello, run, []).\n"
    "I'm running on bob@sim!\n"
    "<2.89.0>\n"
    "(alice@sim)5> spawn('nobody@sim', echo, loop, []).\n"
    "=WARNING REPORT==== 4.000000s ===\n"
    "** Can not start echo:loop,[] on nobody@sim **\n"
    "\n"
    "<0.88.0>\n";

Test(runtime, remote_spawn_transcript)
{
    hrun *h = h_run("scenarios/book/remote_spawn.json", 0);
    cr_assert_str_eq(h->transcript, remote_spawn_transcript);
    h_free(h);
}

Test(runtime, exceptions_advance_the_prompt_and_renew_the_evaluator)
{
    hrun *h = h_run("scenarios/book/links.json", 0);
    /* prompts 1..10: exceptions count, as in erl */
    cr_assert(strstr(h->transcript, "(alice@sim)10> spawn(nomod, nofun, []).\n"));
    cr_assert(strstr(h->transcript, "(alice@sim)3> exit(P, boom).\n** exception exit: boom\n"));
    h_free(h);
}

Test(runtime, a_frozen_node_catches_up_on_resume)
{
    /* regression: steps queued on a frozen node never ran after resume */
    hrun *h = h_run("tests/cases/frozen_shell.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "expectations: %d, checks: %d",
                 h->r.failed_expects, h->r.failed_checks);
    h_free(h);
}

Test(runtime, a_frozen_node_s_timers_fire_at_resume)
{
    /* regression: a connection set-up timer on a frozen node re-armed
     * itself every microsecond until the resume */
    hrun *h = h_run("tests/cases/frozen_timers.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "expectations: %d, checks: %d",
                 h->r.failed_expects, h->r.failed_checks);
    cr_assert(h->r.sim_events < 2000, "%llu engine events",
              (unsigned long long)h->r.sim_events);
    h_free(h);
}

Test(runtime, a_process_scheduled_as_its_node_freezes_runs_on_resume)
{
    /* regression: a run event that fired while the node was frozen left
     * the process marked scheduled, and it never ran again */
    hrun *h = h_run("tests/cases/frozen_mid_step.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "expectations: %d, checks: %d",
                 h->r.failed_expects, h->r.failed_checks);
    h_free(h);
}

/* Texts from real erl 25 (erl_erts_errors). */
Test(runtime, bif_errors_say_what_erl_says)
{
    hrun *h = h_run("tests/cases/bif_errors.json", 0);
    cr_assert(strstr(h->transcript, "        called as register(undefined,<0.87.0>)\n"
                                    "        *** argument 1: 'undefined' is not a valid name\n"),
              "%s", h->transcript);
    cr_assert(strstr(h->transcript, "     in function  erlang:send/2\n"
                                    "        called as erlang:send(nosuch,x)\n"
                                    "        *** argument 1: invalid destination\n"),
              "%s", h->transcript);
    h_free(h);
}

/* unicode:characters_to_binary/1: the results of real erl 25, as the
 * scenario's expects; the badarg text from erl 25 too. */
Test(runtime, characters_to_binary_like_erl)
{
    hrun *h = h_run("tests/cases/characters_to_binary.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "%s", h->transcript);
    cr_assert_eq(h->r.failed_expects, 0);
    cr_assert(strstr(h->transcript, "     in function  unicode:characters_to_binary/1\n"
                                    "        called as unicode:characters_to_binary([104,[a]])\n"
                                    "        *** argument 1: not valid character data (an iodata term)\n"),
              "%s", h->transcript);
    h_free(h);
}

Test(runtime, receive_waits_across_wake_ups)
{
    hrun *h = h_run("tests/cases/mailbox_wait.json", 0);
    cr_assert_eq(h->r.outcome, SCN_PASSED, "%s", h->transcript);
    cr_assert_eq(h->r.failed_expects, 0);
    h_free(h);
}

/* The transcript names the node a restart is about (the trace's event
 * is on that node, its text "creation N"). */
Test(runtime, transcript_names_the_restarted_node)
{
    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    h_write_file(path, "{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\", \"bob\"], "
                 "\"timeline\": [{\"at\": \"1s\", \"restart\": \"bob\"}]}");
    hrun *h = h_run(path, 0);
    cr_expect(strstr(h->transcript, "%% [1s] restart: bob@sim (creation 2)\n") != NULL,
              "%s", h->transcript);
    h_free(h);
    h_rmtree(dir);
}

/* The transcript's rules (scenarios/README.md, "Shells and the
 * transcript"): one prompt per evaluation; a line from another console
 * than the line above is labelled `%% on NODE:`, and so is the first
 * console line after a comment; output from another node's console too. */
Test(runtime, transcript_labels_every_other_console_once)
{
    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    h_write_file(path,
        "{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\", \"bob\"], \"timeline\": ["
        "{\"at\": \"1s\", \"on\": \"alice\", \"eval\": \"receive after 100 -> a end.\"},"
        "{\"at\": \"1s\", \"on\": \"bob\", \"eval\": \"receive after 200 -> b end.\"},"
        "{\"at\": \"2s\", \"on\": \"alice\", \"eval\": \"io:format(\\\"x\\\"), y.\"},"
        "{\"at\": \"2s\", \"note\": \"between\"},"
        "{\"at\": \"2s\", \"on\": \"alice\", \"eval\": \"spawn(fun() -> io:format(\\\"late~n\\\") end), ok.\"},"
        "{\"at\": \"2s\", \"on\": \"bob\", \"eval\": \"1.\"}"
        "]}");
    hrun *h = h_run(path, 0);
    cr_expect_str_eq(h->transcript,
        "(alice@sim)1> receive after 100 -> a end.\n"
        "(bob@sim)1> receive after 200 -> b end.\n"
        "%% on alice@sim:\n"
        "a\n"
        "%% on bob@sim:\n"
        "b\n"
        "(alice@sim)2> io:format(\"x\"), y.\n"
        "xy\n"
        "%% [2s] between\n"
        "(alice@sim)3> spawn(fun() -> io:format(\"late~n\") end), ok.\n"
        "ok\n"
        "(bob@sim)2> 1.\n"
        "1\n"
        "%% on alice@sim:\n"
        "late\n");
    h_free(h);
    h_rmtree(dir);
}

/* Text the scenario wrote reaches the terminal escaped: ESC, CR and the
 * other C0 controls as \xNN, C1 and bidi controls as \x{NNNN}; newlines
 * and tabs stay. The stderr report is escaped the same way. */
Test(runtime, transcript_escapes_control_characters)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    trace_fputs_safe("a\x1b[2Jb\r\x07\t\n\x7f"
                     "\xc2\x9b" "1m" "\xe2\x80\xae" "rev" "\xe2\x81\xa6"
                     "\xc3\xa9\xff", f);
    fclose(f);
    cr_expect_str_eq(buf, "a\\x1b[2Jb\\x0d\\x07\t\n\\x7f\\x{9b}1m\\x{202e}rev"
                     "\\x{2066}\xc3\xa9\\xff");
    free(buf);

    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    h_write_file(path,
        "{\"name\": \"t\", \"until\": \"3s\", \"nodes\": [\"alice\"], \"timeline\": ["
        "{\"at\": \"1s\", \"note\": \"\\u001b]0;pwned\\u0007 \\u202e done\"},"
        "{\"at\": \"1s\", \"on\": \"alice\", \"eval\": \"\\\"\\u001b[2J\\\".\","
        " \"expect\": \"\\\"\\u001b[H\\\"\"}"
        "]}");
    hrun *h = h_run(path, 0);
    cr_expect(strstr(h->transcript, "%% [1s] \\x1b]0;pwned\\x07 \\x{202e} done\n"),
              "%s", h->transcript);
    cr_expect(strstr(h->transcript, "(alice@sim)1> \"\\x1b[2J\".\n"), "%s",
              h->transcript);
    cr_expect(strstr(h->transcript, "expected \"\\x1b[H\", got \"\\e[2J\"\n"),
              "%s", h->transcript);
    cr_expect_null(strchr(h->transcript, '\x1b'), "%s", h->transcript);
    cr_expect_null(strchr(h->report, '\x1b'), "%s", h->report);
    cr_expect(strstr(h->report, "expected \"\\x1b[H\", got \"\\e[2J\"\n"), "%s",
              h->report);
    h_free(h);
    h_rmtree(dir);
}

/* global kills carol's idle shell (the clash's loser): the report is a
 * line of carol's console, labelled, right after bob's pong, in the class
 * an idle shell reports (shell:get_command1/5: error). */
Test(runtime, transcript_labels_a_shell_killed_from_another_node)
{
    char dir[64], path[128];
    h_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    h_write_file(path,
        "{\"name\": \"t\", \"until\": \"40s\", \"config\": {\"net_ticktime\": \"4s\"},"
        " \"nodes\": [\"bob\", \"carol\"], \"timeline\": ["
        "{\"at\": \"0s\", \"on\": \"bob\", \"eval\": \"net_adm:ping('carol@sim').\"},"
        "{\"at\": \"1s\", \"partition\": [[\"bob\"], [\"carol\"]]},"
        "{\"at\": \"10s\", \"on\": \"carol\", \"eval\": \"global:register_name(srv, self()).\"},"
        "{\"at\": \"10s\", \"on\": \"bob\", \"eval\": \"global:register_name(srv, self()).\"},"
        "{\"at\": \"11s\", \"heal\": \"all\"},"
        "{\"at\": \"12s\", \"on\": \"bob\", \"eval\": \"net_adm:ping('carol@sim').\"}]}");
    hrun *h = h_run(path, 0);
    cr_expect(strstr(h->transcript, "(bob@sim)3> net_adm:ping('carol@sim').\n"
                     "pong\n%% on carol@sim:\n** exception error: killed\n"),
              "%s", h->transcript);
    h_free(h);
    h_rmtree(dir);
}
