/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["anf_ir"] || ($protobuf.roots["anf_ir"] = {});

export const mindspore = $root.mindspore = (() => {

    /**
     * Namespace mindspore.
     * @exports mindspore
     * @namespace
     */
    const mindspore = {};

    mindspore.irpb = (function() {

        /**
         * Namespace irpb.
         * @memberof mindspore
         * @namespace
         */
        const irpb = {};

        /**
         * DataType enum.
         * @name mindspore.irpb.DataType
         * @enum {number}
         * @property {number} DT_UNDEFINED=0 DT_UNDEFINED value
         * @property {number} DT_BOOL=1 DT_BOOL value
         * @property {number} DT_INT8=2 DT_INT8 value
         * @property {number} DT_INT16=3 DT_INT16 value
         * @property {number} DT_INT32=4 DT_INT32 value
         * @property {number} DT_INT64=5 DT_INT64 value
         * @property {number} DT_UINT8=6 DT_UINT8 value
         * @property {number} DT_UINT16=7 DT_UINT16 value
         * @property {number} DT_UINT32=8 DT_UINT32 value
         * @property {number} DT_UINT64=9 DT_UINT64 value
         * @property {number} DT_FLOAT16=10 DT_FLOAT16 value
         * @property {number} DT_FLOAT32=11 DT_FLOAT32 value
         * @property {number} DT_FLOAT64=12 DT_FLOAT64 value
         * @property {number} DT_STRING=13 DT_STRING value
         * @property {number} DT_TENSOR=14 DT_TENSOR value
         * @property {number} DT_GRAPH=15 DT_GRAPH value
         * @property {number} DT_BOOLS=16 DT_BOOLS value
         * @property {number} DT_INTS8=17 DT_INTS8 value
         * @property {number} DT_INTS16=18 DT_INTS16 value
         * @property {number} DT_INTS32=19 DT_INTS32 value
         * @property {number} DT_INTS64=20 DT_INTS64 value
         * @property {number} DT_UINTS8=21 DT_UINTS8 value
         * @property {number} DT_UINTS16=22 DT_UINTS16 value
         * @property {number} DT_UINTS32=23 DT_UINTS32 value
         * @property {number} DT_UINTS64=24 DT_UINTS64 value
         * @property {number} DT_FLOATS16=25 DT_FLOATS16 value
         * @property {number} DT_FLOATS32=26 DT_FLOATS32 value
         * @property {number} DT_FLOATS64=27 DT_FLOATS64 value
         * @property {number} DT_STRINGS=28 DT_STRINGS value
         * @property {number} DT_TENSORS=29 DT_TENSORS value
         * @property {number} DT_GRAPHS=30 DT_GRAPHS value
         * @property {number} DT_TUPLE=31 DT_TUPLE value
         * @property {number} DT_LIST=32 DT_LIST value
         * @property {number} DT_DICT=33 DT_DICT value
         * @property {number} DT_NONE=34 DT_NONE value
         * @property {number} DT_SYM_INST=35 DT_SYM_INST value
         * @property {number} DT_BASE_INT=36 DT_BASE_INT value
         * @property {number} DT_BASE_UINT=37 DT_BASE_UINT value
         * @property {number} DT_BASE_FLOAT=38 DT_BASE_FLOAT value
         * @property {number} DT_TYPE=39 DT_TYPE value
         * @property {number} DT_ANY=40 DT_ANY value
         * @property {number} DT_REFKEY=41 DT_REFKEY value
         * @property {number} DT_REF=42 DT_REF value
         * @property {number} DT_COMPLEX64=43 DT_COMPLEX64 value
         * @property {number} DT_COMPLEX128=44 DT_COMPLEX128 value
         * @property {number} DT_BASE_COMPLEX=45 DT_BASE_COMPLEX value
         */
        irpb.DataType = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DT_UNDEFINED"] = 0;
            values[valuesById[1] = "DT_BOOL"] = 1;
            values[valuesById[2] = "DT_INT8"] = 2;
            values[valuesById[3] = "DT_INT16"] = 3;
            values[valuesById[4] = "DT_INT32"] = 4;
            values[valuesById[5] = "DT_INT64"] = 5;
            values[valuesById[6] = "DT_UINT8"] = 6;
            values[valuesById[7] = "DT_UINT16"] = 7;
            values[valuesById[8] = "DT_UINT32"] = 8;
            values[valuesById[9] = "DT_UINT64"] = 9;
            values[valuesById[10] = "DT_FLOAT16"] = 10;
            values[valuesById[11] = "DT_FLOAT32"] = 11;
            values[valuesById[12] = "DT_FLOAT64"] = 12;
            values[valuesById[13] = "DT_STRING"] = 13;
            values[valuesById[14] = "DT_TENSOR"] = 14;
            values[valuesById[15] = "DT_GRAPH"] = 15;
            values[valuesById[16] = "DT_BOOLS"] = 16;
            values[valuesById[17] = "DT_INTS8"] = 17;
            values[valuesById[18] = "DT_INTS16"] = 18;
            values[valuesById[19] = "DT_INTS32"] = 19;
            values[valuesById[20] = "DT_INTS64"] = 20;
            values[valuesById[21] = "DT_UINTS8"] = 21;
            values[valuesById[22] = "DT_UINTS16"] = 22;
            values[valuesById[23] = "DT_UINTS32"] = 23;
            values[valuesById[24] = "DT_UINTS64"] = 24;
            values[valuesById[25] = "DT_FLOATS16"] = 25;
            values[valuesById[26] = "DT_FLOATS32"] = 26;
            values[valuesById[27] = "DT_FLOATS64"] = 27;
            values[valuesById[28] = "DT_STRINGS"] = 28;
            values[valuesById[29] = "DT_TENSORS"] = 29;
            values[valuesById[30] = "DT_GRAPHS"] = 30;
            values[valuesById[31] = "DT_TUPLE"] = 31;
            values[valuesById[32] = "DT_LIST"] = 32;
            values[valuesById[33] = "DT_DICT"] = 33;
            values[valuesById[34] = "DT_NONE"] = 34;
            values[valuesById[35] = "DT_SYM_INST"] = 35;
            values[valuesById[36] = "DT_BASE_INT"] = 36;
            values[valuesById[37] = "DT_BASE_UINT"] = 37;
            values[valuesById[38] = "DT_BASE_FLOAT"] = 38;
            values[valuesById[39] = "DT_TYPE"] = 39;
            values[valuesById[40] = "DT_ANY"] = 40;
            values[valuesById[41] = "DT_REFKEY"] = 41;
            values[valuesById[42] = "DT_REF"] = 42;
            values[valuesById[43] = "DT_COMPLEX64"] = 43;
            values[valuesById[44] = "DT_COMPLEX128"] = 44;
            values[valuesById[45] = "DT_BASE_COMPLEX"] = 45;
            return values;
        })();

        irpb.TensorShapeProto = (function() {

            /**
             * Properties of a TensorShapeProto.
             * @typedef {Object} mindspore.irpb.TensorShapeProto.$Properties
             * @property {Array.<mindspore.irpb.TensorShapeProto.Dimension.$Properties>|null} [dim] TensorShapeProto dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a TensorShapeProto.
             * @memberof mindspore.irpb
             * @interface ITensorShapeProto
             * @augments mindspore.irpb.TensorShapeProto.$Properties
             * @deprecated Use mindspore.irpb.TensorShapeProto.$Properties instead.
             */

            /**
             * Shape of a TensorShapeProto.
             * @typedef {mindspore.irpb.TensorShapeProto.$Properties} mindspore.irpb.TensorShapeProto.$Shape
             */

            /**
             * Constructs a new TensorShapeProto.
             * @memberof mindspore.irpb
             * @classdesc Represents a TensorShapeProto.
             * @constructor
             * @param {mindspore.irpb.TensorShapeProto.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const TensorShapeProto = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * TensorShapeProto dim.
             * @member {Array.<mindspore.irpb.TensorShapeProto.Dimension.$Properties>} dim
             * @memberof mindspore.irpb.TensorShapeProto
             * @instance
             */
            TensorShapeProto.prototype.dim = $util.emptyArray;

            /**
             * Creates a new TensorShapeProto instance using the specified properties.
             * @function create
             * @memberof mindspore.irpb.TensorShapeProto
             * @static
             * @param {mindspore.irpb.TensorShapeProto.$Properties=} [properties] Properties to set
             * @returns {mindspore.irpb.TensorShapeProto} TensorShapeProto instance
             * @type {{
             *   (properties: mindspore.irpb.TensorShapeProto.$Shape): mindspore.irpb.TensorShapeProto & mindspore.irpb.TensorShapeProto.$Shape;
             *   (properties?: mindspore.irpb.TensorShapeProto.$Properties): mindspore.irpb.TensorShapeProto;
             * }}
             */
            TensorShapeProto.create = function(properties) {
                return new TensorShapeProto(properties);
            };

            /**
             * Encodes the specified TensorShapeProto message. Does not implicitly {@link mindspore.irpb.TensorShapeProto.verify|verify} messages.
             * @function encode
             * @memberof mindspore.irpb.TensorShapeProto
             * @static
             * @param {mindspore.irpb.TensorShapeProto.$Properties} m TensorShapeProto message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TensorShapeProto.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        $root.mindspore.irpb.TensorShapeProto.Dimension.encode(m.dim[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a TensorShapeProto message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.irpb.TensorShapeProto
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.irpb.TensorShapeProto & mindspore.irpb.TensorShapeProto.$Shape} TensorShapeProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TensorShapeProto.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.mindspore.irpb.TensorShapeProto();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push($root.mindspore.irpb.TensorShapeProto.Dimension.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for TensorShapeProto
             * @function getTypeUrl
             * @memberof mindspore.irpb.TensorShapeProto
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            TensorShapeProto.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.irpb.TensorShapeProto";
            };

            TensorShapeProto.Dimension = (function() {

                /**
                 * Properties of a Dimension.
                 * @typedef {Object} mindspore.irpb.TensorShapeProto.Dimension.$Properties
                 * @property {number|null} [size] Dimension size
                 * @property {string|null} [name] Dimension name
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */

                /**
                 * Properties of a Dimension.
                 * @memberof mindspore.irpb.TensorShapeProto
                 * @interface IDimension
                 * @augments mindspore.irpb.TensorShapeProto.Dimension.$Properties
                 * @deprecated Use mindspore.irpb.TensorShapeProto.Dimension.$Properties instead.
                 */

                /**
                 * Shape of a Dimension.
                 * @typedef {mindspore.irpb.TensorShapeProto.Dimension.$Properties} mindspore.irpb.TensorShapeProto.Dimension.$Shape
                 */

                /**
                 * Constructs a new Dimension.
                 * @memberof mindspore.irpb.TensorShapeProto
                 * @classdesc Represents a Dimension.
                 * @constructor
                 * @param {mindspore.irpb.TensorShapeProto.Dimension.$Properties=} [p] Properties to set
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */
                const Dimension = function (p) {
                    if (p)
                        for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                            if (p[ks[i]] != null && ks[i] !== "__proto__")
                                this[ks[i]] = p[ks[i]];
                };

                /**
                 * Dimension size.
                 * @member {number} size
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @instance
                 */
                Dimension.prototype.size = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

                /**
                 * Dimension name.
                 * @member {string} name
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @instance
                 */
                Dimension.prototype.name = "";

                /**
                 * Creates a new Dimension instance using the specified properties.
                 * @function create
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @static
                 * @param {mindspore.irpb.TensorShapeProto.Dimension.$Properties=} [properties] Properties to set
                 * @returns {mindspore.irpb.TensorShapeProto.Dimension} Dimension instance
                 * @type {{
                 *   (properties: mindspore.irpb.TensorShapeProto.Dimension.$Shape): mindspore.irpb.TensorShapeProto.Dimension & mindspore.irpb.TensorShapeProto.Dimension.$Shape;
                 *   (properties?: mindspore.irpb.TensorShapeProto.Dimension.$Properties): mindspore.irpb.TensorShapeProto.Dimension;
                 * }}
                 */
                Dimension.create = function(properties) {
                    return new Dimension(properties);
                };

                /**
                 * Encodes the specified Dimension message. Does not implicitly {@link mindspore.irpb.TensorShapeProto.Dimension.verify|verify} messages.
                 * @function encode
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @static
                 * @param {mindspore.irpb.TensorShapeProto.Dimension.$Properties} m Dimension message or plain object to encode
                 * @param {$protobuf.Writer} [w] Writer to encode to
                 * @returns {$protobuf.Writer} Writer
                 */
                Dimension.encode = function (m, w, q) {
                    if (!w)
                        w = $Writer.create();
                    if (q === $undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (m.size != null && $Object.hasOwnProperty.call(m, "size"))
                        w.uint32(/* id 1, wireType 0 =*/8).int64(m.size);
                    if (m.name != null && $Object.hasOwnProperty.call(m, "name"))
                        w.uint32(/* id 2, wireType 2 =*/18).string(m.name);
                    if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                        for (var i = 0; i < m.$unknowns.length; ++i)
                            w.raw(m.$unknowns[i]);
                    return w;
                };

                /**
                 * Decodes a Dimension message from the specified reader or buffer.
                 * @function decode
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
                 * @param {number} [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TensorShapeProto.Dimension & mindspore.irpb.TensorShapeProto.Dimension.$Shape} Dimension
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Dimension.decode = function (r, l, z, q, g) {
                    if (!(r instanceof $Reader))
                        r = $Reader.create(r);
                    if (q === $undefined)
                        q = 0;
                    if (q > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    var c, m;
                    if (l === $undefined)
                        c = r.len;
                    else {
                        c = r.pos + l;
                        if (c > r.len)
                            throw $RangeError("index out of range");
                        l = r.len;
                        r.len = c;
                    }
                    m = g || new $root.mindspore.irpb.TensorShapeProto.Dimension();
                    while (r.pos < c) {
                        var s = r.pos;
                        var t = r.tag();
                        if (t === z) {
                            z = $undefined;
                            break;
                        }
                        var u = t & 7;
                        switch (t >>>= 3) {
                        case 1: {
                                if (u !== 0)
                                    break;
                                m.size = r.int64();
                                continue;
                            }
                        case 2: {
                                if (u !== 2)
                                    break;
                                m.name = r.string();
                                continue;
                            }
                        }
                        r.skipType(u, q, t);
                        if (!r.discardUnknown) {
                            $util.makeProp(m, "$unknowns", false);
                            (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                        }
                    }
                    if (l !== $undefined) {
                        if (r.pos !== c)
                            throw $RangeError("index out of range");
                        r.len = l;
                    }
                    if (z !== $undefined)
                        throw $Error("missing end group");
                    return m;
                };

                /**
                 * Gets the type url for Dimension
                 * @function getTypeUrl
                 * @memberof mindspore.irpb.TensorShapeProto.Dimension
                 * @static
                 * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns {string} The type url
                 */
                Dimension.getTypeUrl = function(prefix) {
                    if (prefix === $undefined)
                        prefix = "type.googleapis.com";
                    return prefix + "/mindspore.irpb.TensorShapeProto.Dimension";
                };

                return Dimension;
            })();

            return TensorShapeProto;
        })();

        irpb.TypeProto = (function() {

            /**
             * Properties of a TypeProto.
             * @typedef {Object} mindspore.irpb.TypeProto.$Properties
             * @property {mindspore.irpb.DataType|null} [dataType] TypeProto dataType
             * @property {mindspore.irpb.TypeProto.Tensor.$Properties|null} [tensorType] TypeProto tensorType
             * @property {mindspore.irpb.TypeProto.Sequence.$Properties|null} [sequenceType] TypeProto sequenceType
             * @property {"tensorType"|"sequenceType"} [value] TypeProto value
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a TypeProto.
             * @memberof mindspore.irpb
             * @interface ITypeProto
             * @augments mindspore.irpb.TypeProto.$Properties
             * @deprecated Use mindspore.irpb.TypeProto.$Properties instead.
             */

            /**
             * Narrowed shape of a TypeProto.
             * @typedef {{
             *   dataType?: mindspore.irpb.DataType|null;
             *   tensorType?: mindspore.irpb.TypeProto.Tensor.$Shape|null;
             *   sequenceType?: mindspore.irpb.TypeProto.Sequence.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ value?: undefined; tensorType?: null; sequenceType?: null }|{ value?: "tensorType"; tensorType: mindspore.irpb.TypeProto.Tensor.$Shape; sequenceType?: null }|{ value?: "sequenceType"; tensorType?: null; sequenceType: mindspore.irpb.TypeProto.Sequence.$Shape })
             * )} mindspore.irpb.TypeProto.$Shape
             */

            /**
             * Constructs a new TypeProto.
             * @memberof mindspore.irpb
             * @classdesc Represents a TypeProto.
             * @constructor
             * @param {mindspore.irpb.TypeProto.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const TypeProto = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * TypeProto dataType.
             * @member {mindspore.irpb.DataType} dataType
             * @memberof mindspore.irpb.TypeProto
             * @instance
             */
            TypeProto.prototype.dataType = 0;

            /**
             * TypeProto tensorType.
             * @member {mindspore.irpb.TypeProto.Tensor.$Properties|null|undefined} tensorType
             * @memberof mindspore.irpb.TypeProto
             * @instance
             */
            TypeProto.prototype.tensorType = null;

            /**
             * TypeProto sequenceType.
             * @member {mindspore.irpb.TypeProto.Sequence.$Properties|null|undefined} sequenceType
             * @memberof mindspore.irpb.TypeProto
             * @instance
             */
            TypeProto.prototype.sequenceType = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * TypeProto value.
             * @member {"tensorType"|"sequenceType"|undefined} value
             * @memberof mindspore.irpb.TypeProto
             * @instance
             */
            $Object.defineProperty(TypeProto.prototype, "value", {
                get: $util.oneOfGetter($oneOfFields = ["tensorType", "sequenceType"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new TypeProto instance using the specified properties.
             * @function create
             * @memberof mindspore.irpb.TypeProto
             * @static
             * @param {mindspore.irpb.TypeProto.$Properties=} [properties] Properties to set
             * @returns {mindspore.irpb.TypeProto} TypeProto instance
             * @type {{
             *   (properties: mindspore.irpb.TypeProto.$Shape): mindspore.irpb.TypeProto & mindspore.irpb.TypeProto.$Shape;
             *   (properties?: mindspore.irpb.TypeProto.$Properties): mindspore.irpb.TypeProto;
             * }}
             */
            TypeProto.create = function(properties) {
                return new TypeProto(properties);
            };

            /**
             * Encodes the specified TypeProto message. Does not implicitly {@link mindspore.irpb.TypeProto.verify|verify} messages.
             * @function encode
             * @memberof mindspore.irpb.TypeProto
             * @static
             * @param {mindspore.irpb.TypeProto.$Properties} m TypeProto message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TypeProto.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dataType != null && $Object.hasOwnProperty.call(m, "dataType"))
                    w.uint32(/* id 1, wireType 0 =*/8).int32(m.dataType);
                if (m.tensorType != null && $Object.hasOwnProperty.call(m, "tensorType"))
                    $root.mindspore.irpb.TypeProto.Tensor.encode(m.tensorType, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.sequenceType != null && $Object.hasOwnProperty.call(m, "sequenceType"))
                    $root.mindspore.irpb.TypeProto.Sequence.encode(m.sequenceType, w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a TypeProto message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.irpb.TypeProto
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.irpb.TypeProto & mindspore.irpb.TypeProto.$Shape} TypeProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TypeProto.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.mindspore.irpb.TypeProto();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            v = r.int32();
                            if ($root.mindspore.irpb.DataType[v] !== $undefined) {
                                m.dataType = v;
                            } else if (!r.discardUnknown) {
                                $util.makeProp(m, "$unknowns", false);
                                (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                            }
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.tensorType = $root.mindspore.irpb.TypeProto.Tensor.decode(r, r.size(), $undefined, q + 1, m.tensorType);
                            m.value = "tensorType";
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            m.sequenceType = $root.mindspore.irpb.TypeProto.Sequence.decode(r, r.size(), $undefined, q + 1, m.sequenceType);
                            m.value = "sequenceType";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for TypeProto
             * @function getTypeUrl
             * @memberof mindspore.irpb.TypeProto
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            TypeProto.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.irpb.TypeProto";
            };

            TypeProto.Tensor = (function() {

                /**
                 * Properties of a Tensor.
                 * @typedef {Object} mindspore.irpb.TypeProto.Tensor.$Properties
                 * @property {mindspore.irpb.DataType|null} [elemType] Tensor elemType
                 * @property {mindspore.irpb.TensorShapeProto.$Properties|null} [shape] Tensor shape
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */

                /**
                 * Properties of a Tensor.
                 * @memberof mindspore.irpb.TypeProto
                 * @interface ITensor
                 * @augments mindspore.irpb.TypeProto.Tensor.$Properties
                 * @deprecated Use mindspore.irpb.TypeProto.Tensor.$Properties instead.
                 */

                /**
                 * Shape of a Tensor.
                 * @typedef {mindspore.irpb.TypeProto.Tensor.$Properties} mindspore.irpb.TypeProto.Tensor.$Shape
                 */

                /**
                 * Constructs a new Tensor.
                 * @memberof mindspore.irpb.TypeProto
                 * @classdesc Represents a Tensor.
                 * @constructor
                 * @param {mindspore.irpb.TypeProto.Tensor.$Properties=} [p] Properties to set
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */
                const Tensor = function (p) {
                    if (p)
                        for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                            if (p[ks[i]] != null && ks[i] !== "__proto__")
                                this[ks[i]] = p[ks[i]];
                };

                /**
                 * Tensor elemType.
                 * @member {mindspore.irpb.DataType} elemType
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @instance
                 */
                Tensor.prototype.elemType = 0;

                /**
                 * Tensor shape.
                 * @member {mindspore.irpb.TensorShapeProto.$Properties|null|undefined} shape
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @instance
                 */
                Tensor.prototype.shape = null;

                /**
                 * Creates a new Tensor instance using the specified properties.
                 * @function create
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @static
                 * @param {mindspore.irpb.TypeProto.Tensor.$Properties=} [properties] Properties to set
                 * @returns {mindspore.irpb.TypeProto.Tensor} Tensor instance
                 * @type {{
                 *   (properties: mindspore.irpb.TypeProto.Tensor.$Shape): mindspore.irpb.TypeProto.Tensor & mindspore.irpb.TypeProto.Tensor.$Shape;
                 *   (properties?: mindspore.irpb.TypeProto.Tensor.$Properties): mindspore.irpb.TypeProto.Tensor;
                 * }}
                 */
                Tensor.create = function(properties) {
                    return new Tensor(properties);
                };

                /**
                 * Encodes the specified Tensor message. Does not implicitly {@link mindspore.irpb.TypeProto.Tensor.verify|verify} messages.
                 * @function encode
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @static
                 * @param {mindspore.irpb.TypeProto.Tensor.$Properties} m Tensor message or plain object to encode
                 * @param {$protobuf.Writer} [w] Writer to encode to
                 * @returns {$protobuf.Writer} Writer
                 */
                Tensor.encode = function (m, w, q) {
                    if (!w)
                        w = $Writer.create();
                    if (q === $undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (m.elemType != null && $Object.hasOwnProperty.call(m, "elemType"))
                        w.uint32(/* id 1, wireType 0 =*/8).int32(m.elemType);
                    if (m.shape != null && $Object.hasOwnProperty.call(m, "shape"))
                        $root.mindspore.irpb.TensorShapeProto.encode(m.shape, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                    if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                        for (var i = 0; i < m.$unknowns.length; ++i)
                            w.raw(m.$unknowns[i]);
                    return w;
                };

                /**
                 * Decodes a Tensor message from the specified reader or buffer.
                 * @function decode
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
                 * @param {number} [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TypeProto.Tensor & mindspore.irpb.TypeProto.Tensor.$Shape} Tensor
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Tensor.decode = function (r, l, z, q, g) {
                    if (!(r instanceof $Reader))
                        r = $Reader.create(r);
                    if (q === $undefined)
                        q = 0;
                    if (q > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    var c, m, v;
                    if (l === $undefined)
                        c = r.len;
                    else {
                        c = r.pos + l;
                        if (c > r.len)
                            throw $RangeError("index out of range");
                        l = r.len;
                        r.len = c;
                    }
                    m = g || new $root.mindspore.irpb.TypeProto.Tensor();
                    while (r.pos < c) {
                        var s = r.pos;
                        var t = r.tag();
                        if (t === z) {
                            z = $undefined;
                            break;
                        }
                        var u = t & 7;
                        switch (t >>>= 3) {
                        case 1: {
                                if (u !== 0)
                                    break;
                                v = r.int32();
                                if ($root.mindspore.irpb.DataType[v] !== $undefined) {
                                    m.elemType = v;
                                } else if (!r.discardUnknown) {
                                    $util.makeProp(m, "$unknowns", false);
                                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                                }
                                continue;
                            }
                        case 2: {
                                if (u !== 2)
                                    break;
                                m.shape = $root.mindspore.irpb.TensorShapeProto.decode(r, r.size(), $undefined, q + 1, m.shape);
                                continue;
                            }
                        }
                        r.skipType(u, q, t);
                        if (!r.discardUnknown) {
                            $util.makeProp(m, "$unknowns", false);
                            (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                        }
                    }
                    if (l !== $undefined) {
                        if (r.pos !== c)
                            throw $RangeError("index out of range");
                        r.len = l;
                    }
                    if (z !== $undefined)
                        throw $Error("missing end group");
                    return m;
                };

                /**
                 * Gets the type url for Tensor
                 * @function getTypeUrl
                 * @memberof mindspore.irpb.TypeProto.Tensor
                 * @static
                 * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns {string} The type url
                 */
                Tensor.getTypeUrl = function(prefix) {
                    if (prefix === $undefined)
                        prefix = "type.googleapis.com";
                    return prefix + "/mindspore.irpb.TypeProto.Tensor";
                };

                return Tensor;
            })();

            TypeProto.Sequence = (function() {

                /**
                 * Properties of a Sequence.
                 * @typedef {Object} mindspore.irpb.TypeProto.Sequence.$Properties
                 * @property {Array.<mindspore.irpb.TypeProto.$Properties>|null} [elemTypes] Sequence elemTypes
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */

                /**
                 * Properties of a Sequence.
                 * @memberof mindspore.irpb.TypeProto
                 * @interface ISequence
                 * @augments mindspore.irpb.TypeProto.Sequence.$Properties
                 * @deprecated Use mindspore.irpb.TypeProto.Sequence.$Properties instead.
                 */

                /**
                 * Shape of a Sequence.
                 * @typedef {{
                 *   elemTypes?: Array.<mindspore.irpb.TypeProto.$Shape>|null;
                 *   $unknowns?: Array.<Uint8Array>;
                 * }} mindspore.irpb.TypeProto.Sequence.$Shape
                 */

                /**
                 * Constructs a new Sequence.
                 * @memberof mindspore.irpb.TypeProto
                 * @classdesc Represents a Sequence.
                 * @constructor
                 * @param {mindspore.irpb.TypeProto.Sequence.$Properties=} [p] Properties to set
                 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
                 */
                const Sequence = function (p) {
                    this.elemTypes = [];
                    if (p)
                        for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                            if (p[ks[i]] != null && ks[i] !== "__proto__")
                                this[ks[i]] = p[ks[i]];
                };

                /**
                 * Sequence elemTypes.
                 * @member {Array.<mindspore.irpb.TypeProto.$Properties>} elemTypes
                 * @memberof mindspore.irpb.TypeProto.Sequence
                 * @instance
                 */
                Sequence.prototype.elemTypes = $util.emptyArray;

                /**
                 * Creates a new Sequence instance using the specified properties.
                 * @function create
                 * @memberof mindspore.irpb.TypeProto.Sequence
                 * @static
                 * @param {mindspore.irpb.TypeProto.Sequence.$Properties=} [properties] Properties to set
                 * @returns {mindspore.irpb.TypeProto.Sequence} Sequence instance
                 * @type {{
                 *   (properties: mindspore.irpb.TypeProto.Sequence.$Shape): mindspore.irpb.TypeProto.Sequence & mindspore.irpb.TypeProto.Sequence.$Shape;
                 *   (properties?: mindspore.irpb.TypeProto.Sequence.$Properties): mindspore.irpb.TypeProto.Sequence;
                 * }}
                 */
                Sequence.create = function(properties) {
                    return new Sequence(properties);
                };

                /**
                 * Encodes the specified Sequence message. Does not implicitly {@link mindspore.irpb.TypeProto.Sequence.verify|verify} messages.
                 * @function encode
                 * @memberof mindspore.irpb.TypeProto.Sequence
                 * @static
                 * @param {mindspore.irpb.TypeProto.Sequence.$Properties} m Sequence message or plain object to encode
                 * @param {$protobuf.Writer} [w] Writer to encode to
                 * @returns {$protobuf.Writer} Writer
                 */
                Sequence.encode = function (m, w, q) {
                    if (!w)
                        w = $Writer.create();
                    if (q === $undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw $Error("max depth exceeded");
                    if (m.elemTypes != null && m.elemTypes.length) {
                        for (var i = 0; i < m.elemTypes.length; ++i)
                            $root.mindspore.irpb.TypeProto.encode(m.elemTypes[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                    }
                    if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                        for (var i = 0; i < m.$unknowns.length; ++i)
                            w.raw(m.$unknowns[i]);
                    return w;
                };

                /**
                 * Decodes a Sequence message from the specified reader or buffer.
                 * @function decode
                 * @memberof mindspore.irpb.TypeProto.Sequence
                 * @static
                 * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
                 * @param {number} [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TypeProto.Sequence & mindspore.irpb.TypeProto.Sequence.$Shape} Sequence
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                Sequence.decode = function (r, l, z, q, g) {
                    if (!(r instanceof $Reader))
                        r = $Reader.create(r);
                    if (q === $undefined)
                        q = 0;
                    if (q > $Reader.recursionLimit)
                        throw $Error("max depth exceeded");
                    var c, m;
                    if (l === $undefined)
                        c = r.len;
                    else {
                        c = r.pos + l;
                        if (c > r.len)
                            throw $RangeError("index out of range");
                        l = r.len;
                        r.len = c;
                    }
                    m = g || new $root.mindspore.irpb.TypeProto.Sequence();
                    while (r.pos < c) {
                        var s = r.pos;
                        var t = r.tag();
                        if (t === z) {
                            z = $undefined;
                            break;
                        }
                        var u = t & 7;
                        switch (t >>>= 3) {
                        case 1: {
                                if (u !== 2)
                                    break;
                                if (!(m.elemTypes && m.elemTypes.length))
                                    m.elemTypes = [];
                                m.elemTypes.push($root.mindspore.irpb.TypeProto.decode(r, r.size(), $undefined, q + 1));
                                continue;
                            }
                        }
                        r.skipType(u, q, t);
                        if (!r.discardUnknown) {
                            $util.makeProp(m, "$unknowns", false);
                            (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                        }
                    }
                    if (l !== $undefined) {
                        if (r.pos !== c)
                            throw $RangeError("index out of range");
                        r.len = l;
                    }
                    if (z !== $undefined)
                        throw $Error("missing end group");
                    return m;
                };

                /**
                 * Gets the type url for Sequence
                 * @function getTypeUrl
                 * @memberof mindspore.irpb.TypeProto.Sequence
                 * @static
                 * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns {string} The type url
                 */
                Sequence.getTypeUrl = function(prefix) {
                    if (prefix === $undefined)
                        prefix = "type.googleapis.com";
                    return prefix + "/mindspore.irpb.TypeProto.Sequence";
                };

                return Sequence;
            })();

            return TypeProto;
        })();

        irpb.ParameterProto = (function() {

            /**
             * Properties of a ParameterProto.
             * @typedef {Object} mindspore.irpb.ParameterProto.$Properties
             * @property {string|null} [name] ParameterProto name
             * @property {mindspore.irpb.TypeProto.$Properties|null} [type] ParameterProto type
             * @property {Uint8Array|null} [defaultVal] ParameterProto defaultVal
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParameterProto.
             * @memberof mindspore.irpb
             * @interface IParameterProto
             * @augments mindspore.irpb.ParameterProto.$Properties
             * @deprecated Use mindspore.irpb.ParameterProto.$Properties instead.
             */

            /**
             * Shape of a ParameterProto.
             * @typedef {{
             *   name?: string|null;
             *   type?: mindspore.irpb.TypeProto.$Shape|null;
             *   defaultVal?: Uint8Array|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} mindspore.irpb.ParameterProto.$Shape
             */

            /**
             * Constructs a new ParameterProto.
             * @memberof mindspore.irpb
             * @classdesc Represents a ParameterProto.
             * @constructor
             * @param {mindspore.irpb.ParameterProto.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParameterProto = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParameterProto name.
             * @member {string} name
             * @memberof mindspore.irpb.ParameterProto
             * @instance
             */
            ParameterProto.prototype.name = "";

            /**
             * ParameterProto type.
             * @member {mindspore.irpb.TypeProto.$Properties|null|undefined} type
             * @memberof mindspore.irpb.ParameterProto
             * @instance
             */
            ParameterProto.prototype.type = null;

            /**
             * ParameterProto defaultVal.
             * @member {Uint8Array} defaultVal
             * @memberof mindspore.irpb.ParameterProto
             * @instance
             */
            ParameterProto.prototype.defaultVal = $util.newBuffer([]);

            /**
             * Creates a new ParameterProto instance using the specified properties.
             * @function create
             * @memberof mindspore.irpb.ParameterProto
             * @static
             * @param {mindspore.irpb.ParameterProto.$Properties=} [properties] Properties to set
             * @returns {mindspore.irpb.ParameterProto} ParameterProto instance
             * @type {{
             *   (properties: mindspore.irpb.ParameterProto.$Shape): mindspore.irpb.ParameterProto & mindspore.irpb.ParameterProto.$Shape;
             *   (properties?: mindspore.irpb.ParameterProto.$Properties): mindspore.irpb.ParameterProto;
             * }}
             */
            ParameterProto.create = function(properties) {
                return new ParameterProto(properties);
            };

            /**
             * Encodes the specified ParameterProto message. Does not implicitly {@link mindspore.irpb.ParameterProto.verify|verify} messages.
             * @function encode
             * @memberof mindspore.irpb.ParameterProto
             * @static
             * @param {mindspore.irpb.ParameterProto.$Properties} m ParameterProto message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParameterProto.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.name != null && $Object.hasOwnProperty.call(m, "name"))
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.name);
                if (m.type != null && $Object.hasOwnProperty.call(m, "type"))
                    $root.mindspore.irpb.TypeProto.encode(m.type, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.defaultVal != null && $Object.hasOwnProperty.call(m, "defaultVal"))
                    w.uint32(/* id 3, wireType 2 =*/26).bytes(m.defaultVal);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParameterProto message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.irpb.ParameterProto
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.irpb.ParameterProto & mindspore.irpb.ParameterProto.$Shape} ParameterProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParameterProto.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.mindspore.irpb.ParameterProto();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.name = r.string();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.type = $root.mindspore.irpb.TypeProto.decode(r, r.size(), $undefined, q + 1, m.type);
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            m.defaultVal = r.bytes();
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for ParameterProto
             * @function getTypeUrl
             * @memberof mindspore.irpb.ParameterProto
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParameterProto.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.irpb.ParameterProto";
            };

            return ParameterProto;
        })();

        irpb.GraphProto = (function() {

            /**
             * Properties of a GraphProto.
             * @typedef {Object} mindspore.irpb.GraphProto.$Properties
             * @property {string|null} [name] GraphProto name
             * @property {Array.<mindspore.irpb.ParameterProto.$Properties>|null} [parameters] GraphProto parameters
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a GraphProto.
             * @memberof mindspore.irpb
             * @interface IGraphProto
             * @augments mindspore.irpb.GraphProto.$Properties
             * @deprecated Use mindspore.irpb.GraphProto.$Properties instead.
             */

            /**
             * Shape of a GraphProto.
             * @typedef {{
             *   name?: string|null;
             *   parameters?: Array.<mindspore.irpb.ParameterProto.$Shape>|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} mindspore.irpb.GraphProto.$Shape
             */

            /**
             * Constructs a new GraphProto.
             * @memberof mindspore.irpb
             * @classdesc Represents a GraphProto.
             * @constructor
             * @param {mindspore.irpb.GraphProto.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const GraphProto = function (p) {
                this.parameters = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * GraphProto name.
             * @member {string} name
             * @memberof mindspore.irpb.GraphProto
             * @instance
             */
            GraphProto.prototype.name = "";

            /**
             * GraphProto parameters.
             * @member {Array.<mindspore.irpb.ParameterProto.$Properties>} parameters
             * @memberof mindspore.irpb.GraphProto
             * @instance
             */
            GraphProto.prototype.parameters = $util.emptyArray;

            /**
             * Creates a new GraphProto instance using the specified properties.
             * @function create
             * @memberof mindspore.irpb.GraphProto
             * @static
             * @param {mindspore.irpb.GraphProto.$Properties=} [properties] Properties to set
             * @returns {mindspore.irpb.GraphProto} GraphProto instance
             * @type {{
             *   (properties: mindspore.irpb.GraphProto.$Shape): mindspore.irpb.GraphProto & mindspore.irpb.GraphProto.$Shape;
             *   (properties?: mindspore.irpb.GraphProto.$Properties): mindspore.irpb.GraphProto;
             * }}
             */
            GraphProto.create = function(properties) {
                return new GraphProto(properties);
            };

            /**
             * Encodes the specified GraphProto message. Does not implicitly {@link mindspore.irpb.GraphProto.verify|verify} messages.
             * @function encode
             * @memberof mindspore.irpb.GraphProto
             * @static
             * @param {mindspore.irpb.GraphProto.$Properties} m GraphProto message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            GraphProto.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.name != null && $Object.hasOwnProperty.call(m, "name"))
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.name);
                if (m.parameters != null && m.parameters.length) {
                    for (var i = 0; i < m.parameters.length; ++i)
                        $root.mindspore.irpb.ParameterProto.encode(m.parameters[i], w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a GraphProto message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.irpb.GraphProto
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.irpb.GraphProto & mindspore.irpb.GraphProto.$Shape} GraphProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            GraphProto.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.mindspore.irpb.GraphProto();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 2: {
                            if (u !== 2)
                                break;
                            m.name = r.string();
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if (!(m.parameters && m.parameters.length))
                                m.parameters = [];
                            m.parameters.push($root.mindspore.irpb.ParameterProto.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for GraphProto
             * @function getTypeUrl
             * @memberof mindspore.irpb.GraphProto
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            GraphProto.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.irpb.GraphProto";
            };

            return GraphProto;
        })();

        irpb.ModelProto = (function() {

            /**
             * Properties of a ModelProto.
             * @typedef {Object} mindspore.irpb.ModelProto.$Properties
             * @property {number|null} [irVersion] ModelProto irVersion
             * @property {string|null} [domain] ModelProto domain
             * @property {number|null} [modelVersion] ModelProto modelVersion
             * @property {mindspore.irpb.GraphProto.$Properties|null} [graph] ModelProto graph
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ModelProto.
             * @memberof mindspore.irpb
             * @interface IModelProto
             * @augments mindspore.irpb.ModelProto.$Properties
             * @deprecated Use mindspore.irpb.ModelProto.$Properties instead.
             */

            /**
             * Shape of a ModelProto.
             * @typedef {{
             *   irVersion?: number|null;
             *   domain?: string|null;
             *   modelVersion?: number|null;
             *   graph?: mindspore.irpb.GraphProto.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * }} mindspore.irpb.ModelProto.$Shape
             */

            /**
             * Constructs a new ModelProto.
             * @memberof mindspore.irpb
             * @classdesc Represents a ModelProto.
             * @constructor
             * @param {mindspore.irpb.ModelProto.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ModelProto = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ModelProto irVersion.
             * @member {number} irVersion
             * @memberof mindspore.irpb.ModelProto
             * @instance
             */
            ModelProto.prototype.irVersion = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * ModelProto domain.
             * @member {string} domain
             * @memberof mindspore.irpb.ModelProto
             * @instance
             */
            ModelProto.prototype.domain = "";

            /**
             * ModelProto modelVersion.
             * @member {number} modelVersion
             * @memberof mindspore.irpb.ModelProto
             * @instance
             */
            ModelProto.prototype.modelVersion = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * ModelProto graph.
             * @member {mindspore.irpb.GraphProto.$Properties|null|undefined} graph
             * @memberof mindspore.irpb.ModelProto
             * @instance
             */
            ModelProto.prototype.graph = null;

            /**
             * Creates a new ModelProto instance using the specified properties.
             * @function create
             * @memberof mindspore.irpb.ModelProto
             * @static
             * @param {mindspore.irpb.ModelProto.$Properties=} [properties] Properties to set
             * @returns {mindspore.irpb.ModelProto} ModelProto instance
             * @type {{
             *   (properties: mindspore.irpb.ModelProto.$Shape): mindspore.irpb.ModelProto & mindspore.irpb.ModelProto.$Shape;
             *   (properties?: mindspore.irpb.ModelProto.$Properties): mindspore.irpb.ModelProto;
             * }}
             */
            ModelProto.create = function(properties) {
                return new ModelProto(properties);
            };

            /**
             * Encodes the specified ModelProto message. Does not implicitly {@link mindspore.irpb.ModelProto.verify|verify} messages.
             * @function encode
             * @memberof mindspore.irpb.ModelProto
             * @static
             * @param {mindspore.irpb.ModelProto.$Properties} m ModelProto message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ModelProto.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.irVersion != null && $Object.hasOwnProperty.call(m, "irVersion"))
                    w.uint32(/* id 1, wireType 0 =*/8).int64(m.irVersion);
                if (m.domain != null && $Object.hasOwnProperty.call(m, "domain"))
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.domain);
                if (m.modelVersion != null && $Object.hasOwnProperty.call(m, "modelVersion"))
                    w.uint32(/* id 3, wireType 0 =*/24).int64(m.modelVersion);
                if (m.graph != null && $Object.hasOwnProperty.call(m, "graph"))
                    $root.mindspore.irpb.GraphProto.encode(m.graph, w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ModelProto message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.irpb.ModelProto
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.irpb.ModelProto & mindspore.irpb.ModelProto.$Shape} ModelProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ModelProto.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.mindspore.irpb.ModelProto();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            m.irVersion = r.int64();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.domain = r.string();
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            m.modelVersion = r.int64();
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            m.graph = $root.mindspore.irpb.GraphProto.decode(r, r.size(), $undefined, q + 1, m.graph);
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Gets the type url for ModelProto
             * @function getTypeUrl
             * @memberof mindspore.irpb.ModelProto
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ModelProto.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.irpb.ModelProto";
            };

            return ModelProto;
        })();

        return irpb;
    })();

    return mindspore;
})();

export {
  $root as default
};
