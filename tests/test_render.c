/* Render tests: the HTML page of a known event list. The same events give
 * the same bytes; every term and text is escaped; the page has one lane
 * per node and one arrow per message; messages pair by FIFO order per
 * connection, skipping the ones lost on a cut link; large traces stay
 * within the caps and say what they summarised. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "traces/render.h"

#define S(x) (1000000 * (int64_t)(x))
#define MS(x) (1000 * (int64_t)(x))

static sim_obs_event ev(int64_t t, const char *node, const char *kind,
                        const char *peer, const char *term)
{
    sim_obs_event e = {0};
    e.t = t;
    e.node = node;
    e.kind = kind;
    e.peer = peer;
    e.term = term;
    return e;
}

/* Renders evs into a malloc'd string (the caller frees it). */
static char *render(const sim_obs_event *evs, size_t n,
                    const trace_render_opts *o, trace_render_stats *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(trace_render_html(evs, n, o, f, st), 0);
    cr_assert_eq(fclose(f), 0);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Three nodes: a connection, a round trip, a drop at the receiver, a
 * message lost in a partition, the heal, the shell's transcript. */
static size_t demo(sim_obs_event *e)
{
    size_t n = 0;
    e[n++] = ev(0, "alice@sim", "boot", NULL, NULL);
    e[n++] = ev(0, "bob@sim", "boot", NULL, NULL);
    e[n++] = ev(0, "carol@sim", "boot", NULL, NULL);
    e[n] = ev(S(1), "alice@sim", "eval", NULL, NULL);
    e[n++].text = "(alice@sim)1> {echo, 'bob@sim'} ! {self(), hi}.";
    e[n++] = ev(S(1), "alice@sim", "connect", "bob@sim", NULL);
    e[n++] = ev(S(1), "alice@sim", "send", "bob@sim", "{<0.87.0>,hi}");
    e[n++] = ev(MS(1005), "bob@sim", "nodeup", "alice@sim", NULL);
    e[n++] = ev(MS(1006), "alice@sim", "nodeup", "bob@sim", NULL);
    e[n++] = ev(MS(1007), "bob@sim", "deliver", "alice@sim", "{<1.87.0>,hi}");
    e[n++] = ev(MS(1007), "bob@sim", "send", "alice@sim", "{echo,hi}");
    e[n++] = ev(MS(1008), "alice@sim", "deliver", "bob@sim", "{echo,hi}");
    e[n] = ev(MS(1008), "alice@sim", "result", NULL, "{<0.87.0>,hi}");
    e[n++].text = "{<0.87.0>,hi}";
    e[n++] = ev(S(2), "alice@sim", "send", "carol@sim", "nosuch");
    e[n] = ev(MS(2001), "carol@sim", "drop", "alice@sim", "nosuch");
    e[n++].reason = "noproc";
    e[n] = ev(S(3), NULL, "partition", NULL, NULL);
    e[n++].text = "[alice@sim] | [bob@sim,carol@sim]";
    e[n++] = ev(MS(3500), "alice@sim", "send", "bob@sim", "lost_in_the_cut");
    e[n] = ev(S(9), "alice@sim", "nodedown", "bob@sim", NULL);
    e[n++].reason = "net_tick_timeout";
    e[n] = ev(S(10), NULL, "heal", NULL, NULL);
    e[n++].text = "all links";
    e[n] = ev(S(11), NULL, "note", NULL, NULL);
    e[n++].text = "Healed.";
    return n;
}

Test(render, same_events_same_bytes)
{
    sim_obs_event e[64];
    size_t n = demo(e);
    char *a = render(e, n, NULL, NULL);
    char *b = render(e, n, NULL, NULL);
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "<!DOCTYPE html>") == a);
    cr_assert(strstr(a, "</html>\n"));
    free(a);
    free(b);
}

Test(render, lanes_arrows_marks_and_bands)
{
    sim_obs_event e[64];
    size_t n = demo(e);
    trace_render_stats st;
    char *h = render(e, n, NULL, &st);
    cr_assert_eq(st.lanes, 3);
    cr_assert_eq(count(h, "<g class=\"lane\""), 3);
    /* messages: the round trip (2), the drop, the lost one; and the
     * connection alice -> bob */
    cr_assert_eq(st.messages, 4);
    cr_assert_eq(st.delivered, 2);
    cr_assert_eq(st.dropped, 1);
    cr_assert_eq(st.lost, 1);
    cr_assert_eq(st.mismatched, 0);
    cr_assert_eq(st.unmatched, 0);
    cr_assert_eq(st.arrows, 5);
    cr_assert_eq(count(h, "<g class=\"msg"), 5);
    cr_assert_eq(count(h, "data-k=\"deliver\""), 2);
    cr_assert_eq(count(h, "<g class=\"msg c0 bad lost\" data-k=\"lost\""), 1);
    cr_assert_eq(count(h, "data-k=\"connect\""), 1);
    cr_assert_eq(count(h, "<g class=\"band\""), 1);
    cr_assert(strstr(h, "partition [alice@sim] | [bob@sim,carol@sim]"));
    cr_assert_eq(count(h, "<g class=\"mark\" data-k=\"nodeup\""), 2);
    cr_assert_eq(count(h, "<g class=\"mark\" data-k=\"nodedown\""), 1);
    /* the pid renumbered on the way still pairs: sent at 1s */
    cr_assert(strstr(h, "sent 1s, delivered 1.007s"));
    cr_assert(strstr(h, "arrived 2.001s and dropped: noproc"));
    /* the transcript: eval, result, comments */
    cr_assert_eq(count(h, "<div class=\"l"), 5);
    cr_assert(strstr(h, "%% [3s] partition: [alice@sim]"));
    cr_assert_eq(st.not_drawn, 0);
    cr_assert_null(strstr(h, "Large trace"));
    /* nothing from the network */
    cr_assert_null(strstr(h, "http:"));
    cr_assert_null(strstr(h, "https:"));
    cr_assert_null(strstr(h, "src="));
    free(h);
}

Test(render, escapes_terms_and_texts)
{
    sim_obs_event e[8];
    size_t n = 0;
    const char *evil = "{\"<script>alert('x')</script>\",<<\"a&b\">>}";
    e[n++] = ev(0, "a@h", "send", "b@h", evil);
    e[n++] = ev(1000, "b@h", "deliver", "a@h", evil);
    e[n] = ev(2000, "a@h", "output", NULL, NULL);
    e[n++].text = "<b>bold</b> & \"quoted\"\x01\xff\n";
    e[n] = ev(3000, "a@h", "eval", NULL, NULL);
    e[n++].text = "(a@h)1> X = \"</div></aside>\".";
    char *h = render(e, n, NULL, NULL);
    cr_assert_null(strstr(h, "<script>alert"));
    cr_assert_null(strstr(h, "<b>bold"));
    cr_assert_null(strstr(h, "\"</div></aside>"));
    cr_assert(strstr(h, "{&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                        "&quot;,&lt;&lt;&quot;a&amp;b&quot;&gt;&gt;}"));
    cr_assert(strstr(h, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"
                        "\\x01\xef\xbf\xbd"));
    /* exactly one script element: the page's own */
    cr_assert_eq(count(h, "<script"), 1);
    cr_assert_eq(count(h, "<aside"), 1);
    free(h);
}

/* Bidi controls (an U+202E override would show "txt.exe" as "exe.txt")
 * and C1 controls reach the page only as visible codes. */
Test(render, neutralises_bidi_controls)
{
    sim_obs_event e[4];
    size_t n = 0;
    e[n] = ev(0, "a@h", "eval", NULL, NULL);
    e[n++].text = "(a@h)1> \"\xe2\x80\xae" "exe.txt\xe2\x81\xa6\xe2\x81\xa9\xc2\x9b\".";
    e[n++] = ev(1000, "a@h", "send", "b@h", "\"\xe2\x80\xaa\xe2\x80\xad\"");
    e[n++] = ev(2000, "b@h", "deliver", "a@h", "\"\xe2\x80\xaa\xe2\x80\xad\"");
    trace_render_opts o = {0};
    o.title = "t\xe2\x80\xae";
    o.subtitle = "sub \xe2\x80\xae title";
    char *h = render(e, n, &o, NULL);
    for (unsigned cp = 0x202a; cp <= 0x202e; cp++) {
        char raw[4] = {(char)0xe2, (char)0x80, (char)(0x80 | (cp & 0x3f)), 0};
        cr_expect_null(strstr(h, raw), "U+%04X reaches the page raw", cp);
    }
    for (unsigned cp = 0x2066; cp <= 0x2069; cp++) {
        char raw[4] = {(char)0xe2, (char)0x81, (char)(0x80 | (cp & 0x3f)), 0};
        cr_expect_null(strstr(h, raw), "U+%04X reaches the page raw", cp);
    }
    cr_expect_null(strstr(h, "\xc2\x9b"));
    cr_expect(strstr(h, "\\x{202e}exe.txt\\x{2066}\\x{2069}\\x{9b}"));
    cr_expect(strstr(h, "\\x{202a}\\x{202d}"));
    cr_expect(strstr(h, "sub \\x{202e} title"));
    free(h);
}

Test(render, lost_messages_do_not_shift_the_pairing)
{
    /* ping is lost in a cut; after the heal the same term goes again and
     * is delivered: the k-th rule would pair the delivery with the lost
     * send, the epoch rule pairs it with the second. */
    sim_obs_event e[16];
    size_t n = 0;
    e[n++] = ev(S(1), "a@h", "send", "b@h", "ping");
    e[n++] = ev(MS(1001), "b@h", "deliver", "a@h", "ping");
    e[n++] = ev(S(2), "a@h", "send", "b@h", "ping");
    e[n] = ev(MS(2000), "a@h", "cut", "b@h", NULL);
    e[n++].text = "a@h <-> b@h";
    e[n++] = ev(S(3), "a@h", "send", "b@h", "other");
    e[n] = ev(S(4), "a@h", "heal", "b@h", NULL);
    e[n++].text = "a@h <-> b@h";
    e[n++] = ev(S(5), "a@h", "send", "b@h", "ping");
    e[n++] = ev(MS(5001), "b@h", "deliver", "a@h", "ping");
    trace_render_stats st;
    char *h = render(e, n, NULL, &st);
    cr_assert_eq(st.delivered, 2);
    cr_assert_eq(st.lost, 2);
    cr_assert_eq(st.mismatched, 0);
    cr_assert(strstr(h, "sent 1s, delivered 1.001s"));
    cr_assert(strstr(h, "sent 5s, delivered 5.001s"));
    cr_assert(strstr(h, "sent 2s, never delivered"));
    cr_assert(strstr(h, "sent 3s, never delivered"));
    cr_assert_eq(count(h, "<g class=\"band\""), 1);
    free(h);
}

Test(render, sender_side_drop_and_orphan_receive)
{
    sim_obs_event e[8];
    size_t n = 0;
    e[n++] = ev(S(1), "a@h", "send", "b@h", "m1");
    e[n++] = ev(S(1), "a@h", "connect", "b@h", NULL);
    e[n] = ev(S(8), "a@h", "handshake_fail", "b@h", NULL);
    e[n++].reason = "timeout";
    e[n] = ev(S(8), "a@h", "drop", "b@h", "m1");
    e[n++].reason = "noconnection";
    e[n++] = ev(S(9), "b@h", "deliver", "c@h", "from_nowhere");
    trace_render_stats st;
    char *h = render(e, n, NULL, &st);
    cr_assert_eq(st.lanes, 3);
    cr_assert_eq(st.dropped, 1);
    cr_assert_eq(st.unmatched, 1);
    cr_assert(strstr(h, "sent 1s, dropped at the sender 8s: noconnection"));
    cr_assert(strstr(h, "no matching send in the trace"));
    free(h);
}

/* A message sent during a partition and given up by the sender when the
 * connection closes is one arrow from the sender that ends where it died
 * (scenarios/net/lost_in_partition.json), not a second arrow from the
 * receiver "without a matching send". */
Test(render, connection_closed_drop_is_the_senders)
{
    sim_obs_event e[8];
    size_t n = 0;
    e[n++] = ev(S(1), "a@h", "send", "b@h", "hi");
    e[n++] = ev(MS(1005), "b@h", "deliver", "a@h", "hi");
    e[n] = ev(S(2), "-", "partition", NULL, NULL);
    e[n].node = NULL;
    e[n++].text = "[a@h] | [b@h]";
    e[n++] = ev(S(3), "a@h", "send", "b@h", "hello");
    e[n] = ev(MS(5445), "a@h", "nodedown", "b@h", NULL);
    e[n++].reason = "net_tick_timeout";
    e[n] = ev(MS(5445), "a@h", "drop", "b@h", "hello");
    e[n++].reason = "connection_closed";
    trace_render_stats st;
    char *h = render(e, n, NULL, &st);
    cr_assert_eq(st.lanes, 2);
    cr_assert_eq(st.delivered, 1);
    cr_assert_eq(st.dropped, 1);
    cr_assert_eq(st.unmatched, 0);
    cr_assert_eq(st.lost, 0);
    cr_assert(strstr(h, "sent 3s, dropped at the sender 5.445s: connection_closed"),
              "%s", h);
    cr_assert_null(strstr(h, "without a matching send"));
    cr_assert_eq(count(h, "data-k=\"drop\" data-n=\"0 1\""), 1);
    cr_assert_eq(count(h, "data-k=\"drop\" data-n=\"1 0\""), 0);
    free(h);
}

Test(render, large_trace_is_summarised_and_bounded)
{
    /* 200,000 messages among 6 nodes, a transcript of 20,000 lines */
    size_t nmsg = 200000, nline = 20000, n = 0;
    sim_obs_event *e = calloc(2 * nmsg + nline, sizeof *e);
    static const char *const nodes[] = {"n0@h", "n1@h", "n2@h", "n3@h",
                                        "n4@h", "n5@h"};
    static char terms[16][48];
    for (int i = 0; i < 16; i++)
        snprintf(terms[i], sizeof terms[i], "{work,<0.%d.0>,%d}", 80 + i, i);
    for (size_t i = 0; i < nmsg; i++) {
        const char *a = nodes[i % 6], *b = nodes[(i / 6 + i + 1) % 6];
        if (a == b)
            b = nodes[(i + 2) % 6];
        int64_t t = MS(10) * (int64_t)i;
        e[n++] = ev(t, a, "send", b, terms[i % 16]);
        if (i % 10)  /* one in ten is lost */
            e[n++] = ev(t + MS(3), b, "deliver", a, terms[i % 16]);
        if (i % (nmsg / nline) == 0) {
            e[n] = ev(t, a, "eval", NULL, NULL);
            e[n++].text = "(n0@h)1> go().";
        }
    }
    trace_render_opts o = {0};
    trace_render_stats st;
    char *h = render(e, n, &o, &st);
    size_t size = strlen(h);
    cr_assert_eq(st.messages, nmsg);
    cr_assert_eq(st.delivered + st.lost, nmsg);
    cr_assert_eq(st.lost, nmsg / 10);
    cr_assert_eq(st.mismatched, 0);
    cr_assert_leq(st.arrows, 3000);
    cr_assert_leq(st.marks, 3000);
    cr_assert_eq(st.lines, 2000);
    cr_assert_gt(st.not_drawn, 0);
    cr_assert(strstr(h, "Large trace, summarised"));
    cr_assert(strstr(h, "18000 lines not shown"));
    cr_assert_lt(size, 4u << 20, "page of %zu bytes", size);
    cr_assert_eq(count(h, "<g class=\"msg"), st.arrows);
    /* smaller caps, smaller page */
    o.max_arrows = 100;
    o.max_marks = 100;
    o.max_lines = 10;
    char *small = render(e, n, &o, &st);
    cr_assert_leq(st.arrows, 100);
    cr_assert_eq(st.lines, 10);
    cr_assert_lt(strlen(small), size / 4);
    free(small);
    free(h);
    free(e);
}

Test(render, empty_trace_is_a_page)
{
    trace_render_stats st;
    char *h = render(NULL, 0, NULL, &st);
    cr_assert_eq(st.lanes, 0);
    cr_assert(strstr(h, "</html>"));
    free(h);
}
