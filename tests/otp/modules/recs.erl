%% recs: records: creation with defaults, access, update, patterns,
%% #rec.field indexes, and record_info. The shell prints a record as
%% the tuple it is (there is no rr() here).
%% call: recs:new("alice").
%% call: recs:birthday(recs:new("bob", 41)).
%% call: recs:name(recs:new("carol")).
%% call: recs:is_adult(recs:new("dan", 17)).
%% call: recs:fields().
%% call: recs:age_index().
%% call: recs:name(not_a_person).
-module(recs).
-export([new/1, new/2, birthday/1, name/1, is_adult/1, fields/0, age_index/0]).

-record(person, {name, age = 0, tags = [] :: [atom()]}).

new(Name) -> #person{name = Name}.

new(Name, Age) -> #person{name = Name, age = Age}.

birthday(P = #person{age = Age}) -> P#person{age = Age + 1}.

name(#person{name = Name}) -> Name.

is_adult(P) when P#person.age >= 18 -> true;
is_adult(#person{}) -> false.

fields() -> record_info(fields, person).

age_index() -> #person.age.
