%% bins: binaries: a length-prefixed packet parsed and built with bit
%% syntax, integer segments of several sizes, utf8, and bit strings.
%% call: bins:parse(<<0, 5, "hello", "rest">>).
%% call: bins:parse(<<0, 9, "short">>).
%% call: bins:build(<<"hi">>).
%% call: bins:fields(<<16#12345678:32>>).
%% call: bins:utf8("héllo").
%% call: bins:bits(<<5:3, 1:1>>).
%% call: bins:checksum(<<1, 2, 3, 4, 255>>).
-module(bins).
-export([parse/1, build/1, fields/1, utf8/1, bits/1, checksum/1]).

parse(<<Len:16, Data:Len/binary, Rest/binary>>) -> {ok, Data, Rest};
parse(Bin) when is_binary(Bin) -> {error, incomplete}.

build(Data) -> <<(byte_size(Data)):16, Data/binary>>.

fields(<<A:8, B:8, C:16>>) -> {A, B, C}.

utf8(String) ->
    Bin = unicode:characters_to_binary(String),
    {Bin, byte_size(Bin), [C || <<C/utf8>> <= Bin]}.

bits(B) -> {bit_size(B), [X || <<X:1>> <= B]}.

checksum(Bin) -> checksum(Bin, 0).

checksum(<<B, Rest/binary>>, Sum) -> checksum(Rest, (Sum + B) band 16#FF);
checksum(<<>>, Sum) -> Sum.
