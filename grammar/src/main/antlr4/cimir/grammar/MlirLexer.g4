// Lexer for MLIR's textual IR as cimir reads and writes it (DESIGN.md 2.2).
//
// Keywords (`tensor`, `dense`, `loc`, ...) are bare identifiers: the parser checks their text,
// because MLIR lets the same words stand as attribute names and symbol names.
lexer grammar MlirLexer;

// Dimension lists of shaped types: `4x`, `?x8x`, `*x`. Without this token `4x4xi8` would lex
// `x4xi8` as an identifier. A lone `0x...` is kept apart from hex integers by longest match.
DIMS        : ([0-9]+ 'x' | '?x' | '*x')+ ;

FLOAT       : [0-9]+ '.' [0-9]* ([eE] [+-]? [0-9]+)? ;
HEX         : '0x' [0-9a-fA-F]+ ;
INT         : [0-9]+ ;
STRING      : '"' (~["\\\n] | '\\' .)* '"' ;

PERCENT_ID  : '%' SUFFIX_ID ('#' [0-9]+)? ;
CARET_ID    : '^' SUFFIX_ID ;
AT_ID       : '@' (SUFFIX_ID | STRING_BODY) ;
// Dialect types and attributes keep their body verbatim: `!d.t<...>`, `#d.a<...>`.
EXCL_ID     : '!' BARE_CHARS BODY? ;
HASH_ID     : '#' BARE_CHARS BODY? ;
BARE_ID     : [a-zA-Z_] [a-zA-Z0-9_$.]* ;

ARROW       : '->' ;
COLONS      : '::' ;
LPAREN      : '(' ;
RPAREN      : ')' ;
LBRACKET    : '[' ;
RBRACKET    : ']' ;
LBRACE      : '{' ;
RBRACE      : '}' ;
LT          : '<' ;
GT          : '>' ;
COMMA       : ',' ;
COLON       : ':' ;
EQUAL       : '=' ;
MINUS       : '-' ;
PLUS        : '+' ;
QUESTION    : '?' ;
STAR        : '*' ;

// Comments are skipped here; expected-* annotations are read from the raw text.
LINE_COMMENT : '//' ~[\n]* -> skip ;
WS           : [ \t\r\n]+ -> skip ;

// Anything else is one token of its own, so the parser reports it in place.
UNKNOWN     : . ;

fragment SUFFIX_ID   : [0-9]+ | [a-zA-Z$._-] [a-zA-Z0-9$._-]* ;
fragment BARE_CHARS  : [a-zA-Z_] [a-zA-Z0-9_$.]* ;
fragment STRING_BODY : '"' (~["\\\n] | '\\' .)* '"' ;
fragment BODY        : '<' BODY_ITEM* '>' ;
// Brackets inside a dialect body must balance, as MLIR requires.
fragment BODY_ITEM   : BODY | '[' BODY_ITEM* ']' | '(' BODY_ITEM* ')' | '{' BODY_ITEM* '}'
                     | STRING_BODY | '->' | ~[<>"[\](){}] ;
