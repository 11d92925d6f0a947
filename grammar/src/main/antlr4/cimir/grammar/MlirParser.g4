// Parser for MLIR's textual IR as cimir reads and writes it (DESIGN.md 2.2): generic operations,
// the custom forms of `module`, `func.func` and `return`, builtin types and attributes, dialect
// types and attributes with verbatim bodies, and locations. Building IR lives in cimir-core.
parser grammar MlirParser;

options { tokenVocab = MlirLexer; }

// ---- Top level ----------------------------------------------------------------------------

file            : topLevel* EOF ;
topLevel        : aliasDef | operation ;

// `#name = attribute`, `#loc = loc(...)` and `!name = type` at the top level of a file.
aliasDef        : HASH_ID EQUAL (trailingLoc | attribute)
                | EXCL_ID EQUAL type
                ;

operation       : (resultList EQUAL)? opBody trailingLoc? ;
resultList      : resultGroup (COMMA resultGroup)* ;
resultGroup     : PERCENT_ID (COLON INT)? ;

opBody          : genericOp
                | moduleOp
                | funcOp
                | returnOp
                | castOp
                ;

// `builtin.unrealized_conversion_cast %0 : index to i64`
castOp          : {_input.LT(1).getText().equals("builtin.unrealized_conversion_cast")}?
                  BARE_ID valueUseList COLON typeList kwTo typeList ;
kwTo            : {_input.LT(1).getText().equals("to")}? BARE_ID ;

genericOp       : STRING LPAREN valueUseList? RPAREN successorList? properties? regionList?
                  attrDict? COLON functionType ;
successorList   : LBRACKET CARET_ID (COMMA CARET_ID)* RBRACKET ;
properties      : LT attrDict GT ;
regionList      : LPAREN region (COMMA region)* RPAREN ;

// `module @name attributes {...} { ... }`
moduleOp        : {_input.LT(1).getText().equals("module") || _input.LT(1).getText().equals("builtin.module")}?
                  BARE_ID AT_ID? (kwAttributes attrDict)? region ;

// `func.func private @f(%arg0: i32 {a}) -> (i32 {b}) attributes {...} { ... }`
funcOp          : {_input.LT(1).getText().equals("func.func")}?
                  BARE_ID visibility=BARE_ID? AT_ID LPAREN funcArgs? RPAREN (ARROW funcResults)?
                  (kwAttributes attrDict)? region? ;
funcArgs        : funcArg (COMMA funcArg)* ;
funcArg         : (PERCENT_ID COLON)? type attrDict? trailingLoc? ;
funcResults     : LPAREN (funcResult (COMMA funcResult)*)? RPAREN
                | type
                ;
funcResult      : type attrDict? ;

// `return %0, %1 : i32, i32`
returnOp        : {_input.LT(1).getText().equals("return") || _input.LT(1).getText().equals("func.return")}?
                  BARE_ID (valueUseList COLON typeList)? ;

kwAttributes    : {_input.LT(1).getText().equals("attributes")}? BARE_ID ;

valueUseList    : PERCENT_ID (COMMA PERCENT_ID)* ;

region          : LBRACE entryBlockOps=operationList block* RBRACE ;
operationList   : operation* ;
block           : blockLabel operationList ;
blockLabel      : CARET_ID (LPAREN blockArg (COMMA blockArg)* RPAREN)? COLON ;
blockArg        : PERCENT_ID COLON type trailingLoc? ;

// ---- Locations ----------------------------------------------------------------------------

trailingLoc     : {_input.LT(1).getText().equals("loc")}? BARE_ID LPAREN location RPAREN ;
location        : STRING COLON INT COLON INT                                   # fileLineColLoc
                | STRING (LPAREN location RPAREN)?                            # nameLoc
                | {_input.LT(1).getText().equals("unknown")}? BARE_ID         # unknownLoc
                | {_input.LT(1).getText().equals("callsite")}?
                  BARE_ID LPAREN location BARE_ID location RPAREN             # callSiteLoc
                | {_input.LT(1).getText().equals("fused")}?
                  BARE_ID (LT attribute GT)? LBRACKET location (COMMA location)* RBRACKET # fusedLoc
                | HASH_ID                                                     # aliasLoc
                ;

// ---- Types --------------------------------------------------------------------------------

typeList        : type (COMMA type)* ;

type            : functionType                                                # fnType
                | EXCL_ID                                                     # dialectType
                | {_input.LT(2).getType() == LT}? BARE_ID LT shapedBody GT    # shapedType
                | BARE_ID                                                     # namedType
                ;
functionType    : LPAREN typeList? RPAREN ARROW resultTypes ;
resultTypes     : LPAREN typeList? RPAREN
                | type
                ;
// The body of `tensor<...>`, `vector<...>`, `complex<...>`, `tuple<...>`, `memref<...>`.
shapedBody      : typeList?                                                   # listBody
                | DIMS? type (COMMA attribute)?                               # dimsBody
                | HEX (COMMA attribute)?                                      # zeroDimHexBody
                ;

// ---- Attributes ---------------------------------------------------------------------------

attrDict        : LBRACE attrEntryList? RBRACE ;
attrEntryList   : attrEntry (COMMA attrEntry)* ;
attrEntry       : name=attrName (EQUAL attribute)? ;
attrName        : BARE_ID | STRING ;

attribute       : number (COLON type)?                                        # numberAttr
                | STRING (COLON type)?                                        # stringAttr
                | LBRACKET (attribute (COMMA attribute)*)? RBRACKET           # arrayAttr
                | attrDict                                                    # dictAttr
                | AT_ID (COLONS AT_ID)*                                       # symbolRefAttr
                | HASH_ID (COLON type)?                                       # dialectAttr
                | {_input.LT(1).getText().equals("dense") && _input.LT(2).getType() == LT}?
                  BARE_ID LT denseBody? GT (COLON type)?                      # denseAttr
                | {_input.LT(1).getText().equals("array") && _input.LT(2).getType() == LT}?
                  BARE_ID LT type (COLON element (COMMA element)*)? GT          # denseArrayAttr
                | {_input.LT(1).getText().equals("unit")}? BARE_ID            # unitAttr
                | {_input.LT(1).getText().equals("true") || _input.LT(1).getText().equals("false")}?
                  BARE_ID                                                     # boolAttr
                | type                                                        # typeAttr
                ;
number          : MINUS? (INT | FLOAT | HEX) ;
// Elements of `dense<...>` and `array<...>`: numbers, or `true`/`false` for i1.
element         : number
                | {_input.LT(1).getText().equals("true") || _input.LT(1).getText().equals("false")}? BARE_ID
                ;
denseBody       : STRING                                                      # denseHex
                | denseElement                                                # denseList
                ;
denseElement    : LBRACKET (denseElement (COMMA denseElement)*)? RBRACKET
                | element
                | LPAREN element COMMA element RPAREN
                ;
