/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["node_strategy"] || ($protobuf.roots["node_strategy"] = {});

export const mindspore = $root.mindspore = (() => {

    /**
     * Namespace mindspore.
     * @exports mindspore
     * @namespace
     */
    const mindspore = {};

    mindspore.straspb = (function() {

        /**
         * Namespace straspb.
         * @memberof mindspore
         * @namespace
         */
        const straspb = {};

        straspb.ParallelStrategy = (function() {

            /**
             * Properties of a ParallelStrategy.
             * @typedef {Object} mindspore.straspb.ParallelStrategy.$Properties
             * @property {Array.<number>|null} [dim] ParallelStrategy dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelStrategy.
             * @memberof mindspore.straspb
             * @interface IParallelStrategy
             * @augments mindspore.straspb.ParallelStrategy.$Properties
             * @deprecated Use mindspore.straspb.ParallelStrategy.$Properties instead.
             */

            /**
             * Shape of a ParallelStrategy.
             * @typedef {mindspore.straspb.ParallelStrategy.$Properties} mindspore.straspb.ParallelStrategy.$Shape
             */

            /**
             * Constructs a new ParallelStrategy.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelStrategy.
             * @constructor
             * @param {mindspore.straspb.ParallelStrategy.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelStrategy = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelStrategy dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.ParallelStrategy
             * @instance
             */
            ParallelStrategy.prototype.dim = $util.emptyArray;

            /**
             * Creates a new ParallelStrategy instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelStrategy
             * @static
             * @param {mindspore.straspb.ParallelStrategy.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelStrategy} ParallelStrategy instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelStrategy.$Shape): mindspore.straspb.ParallelStrategy & mindspore.straspb.ParallelStrategy.$Shape;
             *   (properties?: mindspore.straspb.ParallelStrategy.$Properties): mindspore.straspb.ParallelStrategy;
             * }}
             */
            ParallelStrategy.create = function(properties) {
                return new ParallelStrategy(properties);
            };

            /**
             * Encodes the specified ParallelStrategy message. Does not implicitly {@link mindspore.straspb.ParallelStrategy.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelStrategy
             * @static
             * @param {mindspore.straspb.ParallelStrategy.$Properties} m ParallelStrategy message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelStrategy.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).uint32(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelStrategy message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelStrategy
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategy & mindspore.straspb.ParallelStrategy.$Shape} ParallelStrategy
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelStrategy.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelStrategy();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.uint32s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.uint32());
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
             * Gets the type url for ParallelStrategy
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelStrategy
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelStrategy.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelStrategy";
            };

            return ParallelStrategy;
        })();

        straspb.ParallelStrategys = (function() {

            /**
             * Properties of a ParallelStrategys.
             * @typedef {Object} mindspore.straspb.ParallelStrategys.$Properties
             * @property {number} stage ParallelStrategys stage
             * @property {Array.<mindspore.straspb.ParallelStrategy.$Properties>|null} [parallelStrategy] ParallelStrategys parallelStrategy
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelStrategys.
             * @memberof mindspore.straspb
             * @interface IParallelStrategys
             * @augments mindspore.straspb.ParallelStrategys.$Properties
             * @deprecated Use mindspore.straspb.ParallelStrategys.$Properties instead.
             */

            /**
             * Shape of a ParallelStrategys.
             * @typedef {mindspore.straspb.ParallelStrategys.$Properties} mindspore.straspb.ParallelStrategys.$Shape
             */

            /**
             * Constructs a new ParallelStrategys.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelStrategys.
             * @constructor
             * @param {mindspore.straspb.ParallelStrategys.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelStrategys = function (p) {
                this.parallelStrategy = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelStrategys stage.
             * @member {number} stage
             * @memberof mindspore.straspb.ParallelStrategys
             * @instance
             */
            ParallelStrategys.prototype.stage = 0;

            /**
             * ParallelStrategys parallelStrategy.
             * @member {Array.<mindspore.straspb.ParallelStrategy.$Properties>} parallelStrategy
             * @memberof mindspore.straspb.ParallelStrategys
             * @instance
             */
            ParallelStrategys.prototype.parallelStrategy = $util.emptyArray;

            /**
             * Creates a new ParallelStrategys instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelStrategys
             * @static
             * @param {mindspore.straspb.ParallelStrategys.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelStrategys} ParallelStrategys instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelStrategys.$Shape): mindspore.straspb.ParallelStrategys & mindspore.straspb.ParallelStrategys.$Shape;
             *   (properties?: mindspore.straspb.ParallelStrategys.$Properties): mindspore.straspb.ParallelStrategys;
             * }}
             */
            ParallelStrategys.create = function(properties) {
                return new ParallelStrategys(properties);
            };

            /**
             * Encodes the specified ParallelStrategys message. Does not implicitly {@link mindspore.straspb.ParallelStrategys.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelStrategys
             * @static
             * @param {mindspore.straspb.ParallelStrategys.$Properties} m ParallelStrategys message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelStrategys.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                w.uint32(/* id 1, wireType 0 =*/8).uint32(m.stage);
                if (m.parallelStrategy != null && m.parallelStrategy.length) {
                    for (var i = 0; i < m.parallelStrategy.length; ++i)
                        $root.mindspore.straspb.ParallelStrategy.encode(m.parallelStrategy[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelStrategys message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelStrategys
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategys & mindspore.straspb.ParallelStrategys.$Shape} ParallelStrategys
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelStrategys.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelStrategys();
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
                            m.stage = r.uint32();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.parallelStrategy && m.parallelStrategy.length))
                                m.parallelStrategy = [];
                            m.parallelStrategy.push($root.mindspore.straspb.ParallelStrategy.decode(r, r.size(), $undefined, q + 1));
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
                if (!$Object.hasOwnProperty.call(m, "stage"))
                    throw $util.ProtocolError("missing required 'stage'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelStrategys
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelStrategys
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelStrategys.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelStrategys";
            };

            return ParallelStrategys;
        })();

        straspb.ParallelStrategyItem = (function() {

            /**
             * Properties of a ParallelStrategyItem.
             * @typedef {Object} mindspore.straspb.ParallelStrategyItem.$Properties
             * @property {string} nodeName ParallelStrategyItem nodeName
             * @property {mindspore.straspb.ParallelStrategys.$Properties} parallelStrategys ParallelStrategyItem parallelStrategys
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelStrategyItem.
             * @memberof mindspore.straspb
             * @interface IParallelStrategyItem
             * @augments mindspore.straspb.ParallelStrategyItem.$Properties
             * @deprecated Use mindspore.straspb.ParallelStrategyItem.$Properties instead.
             */

            /**
             * Shape of a ParallelStrategyItem.
             * @typedef {mindspore.straspb.ParallelStrategyItem.$Properties} mindspore.straspb.ParallelStrategyItem.$Shape
             */

            /**
             * Constructs a new ParallelStrategyItem.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelStrategyItem.
             * @constructor
             * @param {mindspore.straspb.ParallelStrategyItem.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelStrategyItem = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelStrategyItem nodeName.
             * @member {string} nodeName
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @instance
             */
            ParallelStrategyItem.prototype.nodeName = "";

            /**
             * ParallelStrategyItem parallelStrategys.
             * @member {mindspore.straspb.ParallelStrategys.$Properties} parallelStrategys
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @instance
             */
            ParallelStrategyItem.prototype.parallelStrategys = null;

            /**
             * Creates a new ParallelStrategyItem instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @static
             * @param {mindspore.straspb.ParallelStrategyItem.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelStrategyItem} ParallelStrategyItem instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelStrategyItem.$Shape): mindspore.straspb.ParallelStrategyItem & mindspore.straspb.ParallelStrategyItem.$Shape;
             *   (properties?: mindspore.straspb.ParallelStrategyItem.$Properties): mindspore.straspb.ParallelStrategyItem;
             * }}
             */
            ParallelStrategyItem.create = function(properties) {
                return new ParallelStrategyItem(properties);
            };

            /**
             * Encodes the specified ParallelStrategyItem message. Does not implicitly {@link mindspore.straspb.ParallelStrategyItem.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @static
             * @param {mindspore.straspb.ParallelStrategyItem.$Properties} m ParallelStrategyItem message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelStrategyItem.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                w.uint32(/* id 1, wireType 2 =*/10).string(m.nodeName);
                $root.mindspore.straspb.ParallelStrategys.encode(m.parallelStrategys, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelStrategyItem message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategyItem & mindspore.straspb.ParallelStrategyItem.$Shape} ParallelStrategyItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelStrategyItem.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelStrategyItem();
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
                            m.nodeName = r.string();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.parallelStrategys = $root.mindspore.straspb.ParallelStrategys.decode(r, r.size(), $undefined, q + 1, m.parallelStrategys);
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
                if (!$Object.hasOwnProperty.call(m, "nodeName"))
                    throw $util.ProtocolError("missing required 'nodeName'", { instance: m });
                if (!$Object.hasOwnProperty.call(m, "parallelStrategys"))
                    throw $util.ProtocolError("missing required 'parallelStrategys'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelStrategyItem
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelStrategyItem
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelStrategyItem.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelStrategyItem";
            };

            return ParallelStrategyItem;
        })();

        straspb.DevMatrix = (function() {

            /**
             * Properties of a DevMatrix.
             * @typedef {Object} mindspore.straspb.DevMatrix.$Properties
             * @property {Array.<number>|null} [dim] DevMatrix dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DevMatrix.
             * @memberof mindspore.straspb
             * @interface IDevMatrix
             * @augments mindspore.straspb.DevMatrix.$Properties
             * @deprecated Use mindspore.straspb.DevMatrix.$Properties instead.
             */

            /**
             * Shape of a DevMatrix.
             * @typedef {mindspore.straspb.DevMatrix.$Properties} mindspore.straspb.DevMatrix.$Shape
             */

            /**
             * Constructs a new DevMatrix.
             * @memberof mindspore.straspb
             * @classdesc Represents a DevMatrix.
             * @constructor
             * @param {mindspore.straspb.DevMatrix.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DevMatrix = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * DevMatrix dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.DevMatrix
             * @instance
             */
            DevMatrix.prototype.dim = $util.emptyArray;

            /**
             * Creates a new DevMatrix instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.DevMatrix
             * @static
             * @param {mindspore.straspb.DevMatrix.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.DevMatrix} DevMatrix instance
             * @type {{
             *   (properties: mindspore.straspb.DevMatrix.$Shape): mindspore.straspb.DevMatrix & mindspore.straspb.DevMatrix.$Shape;
             *   (properties?: mindspore.straspb.DevMatrix.$Properties): mindspore.straspb.DevMatrix;
             * }}
             */
            DevMatrix.create = function(properties) {
                return new DevMatrix(properties);
            };

            /**
             * Encodes the specified DevMatrix message. Does not implicitly {@link mindspore.straspb.DevMatrix.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.DevMatrix
             * @static
             * @param {mindspore.straspb.DevMatrix.$Properties} m DevMatrix message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DevMatrix.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).uint32(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a DevMatrix message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.DevMatrix
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.DevMatrix & mindspore.straspb.DevMatrix.$Shape} DevMatrix
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DevMatrix.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.DevMatrix();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.uint32s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.uint32());
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
             * Gets the type url for DevMatrix
             * @function getTypeUrl
             * @memberof mindspore.straspb.DevMatrix
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DevMatrix.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.DevMatrix";
            };

            return DevMatrix;
        })();

        straspb.TensorMap = (function() {

            /**
             * Properties of a TensorMap.
             * @typedef {Object} mindspore.straspb.TensorMap.$Properties
             * @property {Array.<number>|null} [dim] TensorMap dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a TensorMap.
             * @memberof mindspore.straspb
             * @interface ITensorMap
             * @augments mindspore.straspb.TensorMap.$Properties
             * @deprecated Use mindspore.straspb.TensorMap.$Properties instead.
             */

            /**
             * Shape of a TensorMap.
             * @typedef {mindspore.straspb.TensorMap.$Properties} mindspore.straspb.TensorMap.$Shape
             */

            /**
             * Constructs a new TensorMap.
             * @memberof mindspore.straspb
             * @classdesc Represents a TensorMap.
             * @constructor
             * @param {mindspore.straspb.TensorMap.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const TensorMap = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * TensorMap dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.TensorMap
             * @instance
             */
            TensorMap.prototype.dim = $util.emptyArray;

            /**
             * Creates a new TensorMap instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.TensorMap
             * @static
             * @param {mindspore.straspb.TensorMap.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.TensorMap} TensorMap instance
             * @type {{
             *   (properties: mindspore.straspb.TensorMap.$Shape): mindspore.straspb.TensorMap & mindspore.straspb.TensorMap.$Shape;
             *   (properties?: mindspore.straspb.TensorMap.$Properties): mindspore.straspb.TensorMap;
             * }}
             */
            TensorMap.create = function(properties) {
                return new TensorMap(properties);
            };

            /**
             * Encodes the specified TensorMap message. Does not implicitly {@link mindspore.straspb.TensorMap.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.TensorMap
             * @static
             * @param {mindspore.straspb.TensorMap.$Properties} m TensorMap message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            TensorMap.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).int32(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a TensorMap message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.TensorMap
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.TensorMap & mindspore.straspb.TensorMap.$Shape} TensorMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            TensorMap.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.TensorMap();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.int32s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.int32());
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
             * Gets the type url for TensorMap
             * @function getTypeUrl
             * @memberof mindspore.straspb.TensorMap
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            TensorMap.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.TensorMap";
            };

            return TensorMap;
        })();

        straspb.ParamSplitShape = (function() {

            /**
             * Properties of a ParamSplitShape.
             * @typedef {Object} mindspore.straspb.ParamSplitShape.$Properties
             * @property {Array.<number>|null} [dim] ParamSplitShape dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParamSplitShape.
             * @memberof mindspore.straspb
             * @interface IParamSplitShape
             * @augments mindspore.straspb.ParamSplitShape.$Properties
             * @deprecated Use mindspore.straspb.ParamSplitShape.$Properties instead.
             */

            /**
             * Shape of a ParamSplitShape.
             * @typedef {mindspore.straspb.ParamSplitShape.$Properties} mindspore.straspb.ParamSplitShape.$Shape
             */

            /**
             * Constructs a new ParamSplitShape.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParamSplitShape.
             * @constructor
             * @param {mindspore.straspb.ParamSplitShape.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParamSplitShape = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParamSplitShape dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.ParamSplitShape
             * @instance
             */
            ParamSplitShape.prototype.dim = $util.emptyArray;

            /**
             * Creates a new ParamSplitShape instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParamSplitShape
             * @static
             * @param {mindspore.straspb.ParamSplitShape.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParamSplitShape} ParamSplitShape instance
             * @type {{
             *   (properties: mindspore.straspb.ParamSplitShape.$Shape): mindspore.straspb.ParamSplitShape & mindspore.straspb.ParamSplitShape.$Shape;
             *   (properties?: mindspore.straspb.ParamSplitShape.$Properties): mindspore.straspb.ParamSplitShape;
             * }}
             */
            ParamSplitShape.create = function(properties) {
                return new ParamSplitShape(properties);
            };

            /**
             * Encodes the specified ParamSplitShape message. Does not implicitly {@link mindspore.straspb.ParamSplitShape.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParamSplitShape
             * @static
             * @param {mindspore.straspb.ParamSplitShape.$Properties} m ParamSplitShape message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParamSplitShape.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).int64(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParamSplitShape message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParamSplitShape
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParamSplitShape & mindspore.straspb.ParamSplitShape.$Shape} ParamSplitShape
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParamSplitShape.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParamSplitShape();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.int64s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.int64());
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
             * Gets the type url for ParamSplitShape
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParamSplitShape
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParamSplitShape.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParamSplitShape";
            };

            return ParamSplitShape;
        })();

        straspb.IndicesOffset = (function() {

            /**
             * Properties of an IndicesOffset.
             * @typedef {Object} mindspore.straspb.IndicesOffset.$Properties
             * @property {Array.<number>|null} [dim] IndicesOffset dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an IndicesOffset.
             * @memberof mindspore.straspb
             * @interface IIndicesOffset
             * @augments mindspore.straspb.IndicesOffset.$Properties
             * @deprecated Use mindspore.straspb.IndicesOffset.$Properties instead.
             */

            /**
             * Shape of an IndicesOffset.
             * @typedef {mindspore.straspb.IndicesOffset.$Properties} mindspore.straspb.IndicesOffset.$Shape
             */

            /**
             * Constructs a new IndicesOffset.
             * @memberof mindspore.straspb
             * @classdesc Represents an IndicesOffset.
             * @constructor
             * @param {mindspore.straspb.IndicesOffset.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const IndicesOffset = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * IndicesOffset dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.IndicesOffset
             * @instance
             */
            IndicesOffset.prototype.dim = $util.emptyArray;

            /**
             * Creates a new IndicesOffset instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.IndicesOffset
             * @static
             * @param {mindspore.straspb.IndicesOffset.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.IndicesOffset} IndicesOffset instance
             * @type {{
             *   (properties: mindspore.straspb.IndicesOffset.$Shape): mindspore.straspb.IndicesOffset & mindspore.straspb.IndicesOffset.$Shape;
             *   (properties?: mindspore.straspb.IndicesOffset.$Properties): mindspore.straspb.IndicesOffset;
             * }}
             */
            IndicesOffset.create = function(properties) {
                return new IndicesOffset(properties);
            };

            /**
             * Encodes the specified IndicesOffset message. Does not implicitly {@link mindspore.straspb.IndicesOffset.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.IndicesOffset
             * @static
             * @param {mindspore.straspb.IndicesOffset.$Properties} m IndicesOffset message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            IndicesOffset.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).int64(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes an IndicesOffset message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.IndicesOffset
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.IndicesOffset & mindspore.straspb.IndicesOffset.$Shape} IndicesOffset
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            IndicesOffset.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.IndicesOffset();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.int64s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.int64());
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
             * Gets the type url for IndicesOffset
             * @function getTypeUrl
             * @memberof mindspore.straspb.IndicesOffset
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            IndicesOffset.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.IndicesOffset";
            };

            return IndicesOffset;
        })();

        straspb.ParallelLayouts = (function() {

            /**
             * Properties of a ParallelLayouts.
             * @typedef {Object} mindspore.straspb.ParallelLayouts.$Properties
             * @property {Array.<mindspore.straspb.DevMatrix.$Properties>|null} [devMatrix] ParallelLayouts devMatrix
             * @property {Array.<mindspore.straspb.TensorMap.$Properties>|null} [tensorMap] ParallelLayouts tensorMap
             * @property {Array.<mindspore.straspb.ParamSplitShape.$Properties>|null} [paramSplitShape] ParallelLayouts paramSplitShape
             * @property {Array.<mindspore.straspb.IndicesOffset.$Properties>|null} [indicesOffset] ParallelLayouts indicesOffset
             * @property {number} field ParallelLayouts field
             * @property {number|null} [optWeightShardStep] ParallelLayouts optWeightShardStep
             * @property {number|null} [optWeightShardSize] ParallelLayouts optWeightShardSize
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelLayouts.
             * @memberof mindspore.straspb
             * @interface IParallelLayouts
             * @augments mindspore.straspb.ParallelLayouts.$Properties
             * @deprecated Use mindspore.straspb.ParallelLayouts.$Properties instead.
             */

            /**
             * Shape of a ParallelLayouts.
             * @typedef {mindspore.straspb.ParallelLayouts.$Properties} mindspore.straspb.ParallelLayouts.$Shape
             */

            /**
             * Constructs a new ParallelLayouts.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelLayouts.
             * @constructor
             * @param {mindspore.straspb.ParallelLayouts.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelLayouts = function (p) {
                this.devMatrix = [];
                this.tensorMap = [];
                this.paramSplitShape = [];
                this.indicesOffset = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelLayouts devMatrix.
             * @member {Array.<mindspore.straspb.DevMatrix.$Properties>} devMatrix
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.devMatrix = $util.emptyArray;

            /**
             * ParallelLayouts tensorMap.
             * @member {Array.<mindspore.straspb.TensorMap.$Properties>} tensorMap
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.tensorMap = $util.emptyArray;

            /**
             * ParallelLayouts paramSplitShape.
             * @member {Array.<mindspore.straspb.ParamSplitShape.$Properties>} paramSplitShape
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.paramSplitShape = $util.emptyArray;

            /**
             * ParallelLayouts indicesOffset.
             * @member {Array.<mindspore.straspb.IndicesOffset.$Properties>} indicesOffset
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.indicesOffset = $util.emptyArray;

            /**
             * ParallelLayouts field.
             * @member {number} field
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.field = 0;

            /**
             * ParallelLayouts optWeightShardStep.
             * @member {number} optWeightShardStep
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.optWeightShardStep = 0;

            /**
             * ParallelLayouts optWeightShardSize.
             * @member {number} optWeightShardSize
             * @memberof mindspore.straspb.ParallelLayouts
             * @instance
             */
            ParallelLayouts.prototype.optWeightShardSize = 0;

            /**
             * Creates a new ParallelLayouts instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelLayouts
             * @static
             * @param {mindspore.straspb.ParallelLayouts.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelLayouts} ParallelLayouts instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelLayouts.$Shape): mindspore.straspb.ParallelLayouts & mindspore.straspb.ParallelLayouts.$Shape;
             *   (properties?: mindspore.straspb.ParallelLayouts.$Properties): mindspore.straspb.ParallelLayouts;
             * }}
             */
            ParallelLayouts.create = function(properties) {
                return new ParallelLayouts(properties);
            };

            /**
             * Encodes the specified ParallelLayouts message. Does not implicitly {@link mindspore.straspb.ParallelLayouts.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelLayouts
             * @static
             * @param {mindspore.straspb.ParallelLayouts.$Properties} m ParallelLayouts message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelLayouts.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.devMatrix != null && m.devMatrix.length) {
                    for (var i = 0; i < m.devMatrix.length; ++i)
                        $root.mindspore.straspb.DevMatrix.encode(m.devMatrix[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                }
                if (m.tensorMap != null && m.tensorMap.length) {
                    for (var i = 0; i < m.tensorMap.length; ++i)
                        $root.mindspore.straspb.TensorMap.encode(m.tensorMap[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.paramSplitShape != null && m.paramSplitShape.length) {
                    for (var i = 0; i < m.paramSplitShape.length; ++i)
                        $root.mindspore.straspb.ParamSplitShape.encode(m.paramSplitShape[i], w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                }
                if (m.indicesOffset != null && m.indicesOffset.length) {
                    for (var i = 0; i < m.indicesOffset.length; ++i)
                        $root.mindspore.straspb.IndicesOffset.encode(m.indicesOffset[i], w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                }
                w.uint32(/* id 5, wireType 0 =*/40).int32(m.field);
                if (m.optWeightShardStep != null && $Object.hasOwnProperty.call(m, "optWeightShardStep"))
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.optWeightShardStep);
                if (m.optWeightShardSize != null && $Object.hasOwnProperty.call(m, "optWeightShardSize"))
                    w.uint32(/* id 7, wireType 0 =*/56).int32(m.optWeightShardSize);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelLayouts message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelLayouts
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelLayouts & mindspore.straspb.ParallelLayouts.$Shape} ParallelLayouts
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelLayouts.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelLayouts();
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
                            if (!(m.devMatrix && m.devMatrix.length))
                                m.devMatrix = [];
                            m.devMatrix.push($root.mindspore.straspb.DevMatrix.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.tensorMap && m.tensorMap.length))
                                m.tensorMap = [];
                            m.tensorMap.push($root.mindspore.straspb.TensorMap.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if (!(m.paramSplitShape && m.paramSplitShape.length))
                                m.paramSplitShape = [];
                            m.paramSplitShape.push($root.mindspore.straspb.ParamSplitShape.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if (!(m.indicesOffset && m.indicesOffset.length))
                                m.indicesOffset = [];
                            m.indicesOffset.push($root.mindspore.straspb.IndicesOffset.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 5: {
                            if (u !== 0)
                                break;
                            m.field = r.int32();
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            m.optWeightShardStep = r.int32();
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            m.optWeightShardSize = r.int32();
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
                if (!$Object.hasOwnProperty.call(m, "field"))
                    throw $util.ProtocolError("missing required 'field'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelLayouts
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelLayouts
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelLayouts.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelLayouts";
            };

            return ParallelLayouts;
        })();

        straspb.ParallelLayoutItem = (function() {

            /**
             * Properties of a ParallelLayoutItem.
             * @typedef {Object} mindspore.straspb.ParallelLayoutItem.$Properties
             * @property {string} paramName ParallelLayoutItem paramName
             * @property {mindspore.straspb.ParallelLayouts.$Properties} parallelLayouts ParallelLayoutItem parallelLayouts
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelLayoutItem.
             * @memberof mindspore.straspb
             * @interface IParallelLayoutItem
             * @augments mindspore.straspb.ParallelLayoutItem.$Properties
             * @deprecated Use mindspore.straspb.ParallelLayoutItem.$Properties instead.
             */

            /**
             * Shape of a ParallelLayoutItem.
             * @typedef {mindspore.straspb.ParallelLayoutItem.$Properties} mindspore.straspb.ParallelLayoutItem.$Shape
             */

            /**
             * Constructs a new ParallelLayoutItem.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelLayoutItem.
             * @constructor
             * @param {mindspore.straspb.ParallelLayoutItem.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelLayoutItem = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelLayoutItem paramName.
             * @member {string} paramName
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @instance
             */
            ParallelLayoutItem.prototype.paramName = "";

            /**
             * ParallelLayoutItem parallelLayouts.
             * @member {mindspore.straspb.ParallelLayouts.$Properties} parallelLayouts
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @instance
             */
            ParallelLayoutItem.prototype.parallelLayouts = null;

            /**
             * Creates a new ParallelLayoutItem instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @static
             * @param {mindspore.straspb.ParallelLayoutItem.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelLayoutItem} ParallelLayoutItem instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelLayoutItem.$Shape): mindspore.straspb.ParallelLayoutItem & mindspore.straspb.ParallelLayoutItem.$Shape;
             *   (properties?: mindspore.straspb.ParallelLayoutItem.$Properties): mindspore.straspb.ParallelLayoutItem;
             * }}
             */
            ParallelLayoutItem.create = function(properties) {
                return new ParallelLayoutItem(properties);
            };

            /**
             * Encodes the specified ParallelLayoutItem message. Does not implicitly {@link mindspore.straspb.ParallelLayoutItem.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @static
             * @param {mindspore.straspb.ParallelLayoutItem.$Properties} m ParallelLayoutItem message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelLayoutItem.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                w.uint32(/* id 1, wireType 2 =*/10).string(m.paramName);
                $root.mindspore.straspb.ParallelLayouts.encode(m.parallelLayouts, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelLayoutItem message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelLayoutItem & mindspore.straspb.ParallelLayoutItem.$Shape} ParallelLayoutItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelLayoutItem.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelLayoutItem();
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
                            m.paramName = r.string();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.parallelLayouts = $root.mindspore.straspb.ParallelLayouts.decode(r, r.size(), $undefined, q + 1, m.parallelLayouts);
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
                if (!$Object.hasOwnProperty.call(m, "paramName"))
                    throw $util.ProtocolError("missing required 'paramName'", { instance: m });
                if (!$Object.hasOwnProperty.call(m, "parallelLayouts"))
                    throw $util.ProtocolError("missing required 'parallelLayouts'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelLayoutItem
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelLayoutItem
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelLayoutItem.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelLayoutItem";
            };

            return ParallelLayoutItem;
        })();

        straspb.ParallelGroupRanks = (function() {

            /**
             * Properties of a ParallelGroupRanks.
             * @typedef {Object} mindspore.straspb.ParallelGroupRanks.$Properties
             * @property {Array.<number>|null} [dim] ParallelGroupRanks dim
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelGroupRanks.
             * @memberof mindspore.straspb
             * @interface IParallelGroupRanks
             * @augments mindspore.straspb.ParallelGroupRanks.$Properties
             * @deprecated Use mindspore.straspb.ParallelGroupRanks.$Properties instead.
             */

            /**
             * Shape of a ParallelGroupRanks.
             * @typedef {mindspore.straspb.ParallelGroupRanks.$Properties} mindspore.straspb.ParallelGroupRanks.$Shape
             */

            /**
             * Constructs a new ParallelGroupRanks.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelGroupRanks.
             * @constructor
             * @param {mindspore.straspb.ParallelGroupRanks.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelGroupRanks = function (p) {
                this.dim = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelGroupRanks dim.
             * @member {Array.<number>} dim
             * @memberof mindspore.straspb.ParallelGroupRanks
             * @instance
             */
            ParallelGroupRanks.prototype.dim = $util.emptyArray;

            /**
             * Creates a new ParallelGroupRanks instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelGroupRanks
             * @static
             * @param {mindspore.straspb.ParallelGroupRanks.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelGroupRanks} ParallelGroupRanks instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelGroupRanks.$Shape): mindspore.straspb.ParallelGroupRanks & mindspore.straspb.ParallelGroupRanks.$Shape;
             *   (properties?: mindspore.straspb.ParallelGroupRanks.$Properties): mindspore.straspb.ParallelGroupRanks;
             * }}
             */
            ParallelGroupRanks.create = function(properties) {
                return new ParallelGroupRanks(properties);
            };

            /**
             * Encodes the specified ParallelGroupRanks message. Does not implicitly {@link mindspore.straspb.ParallelGroupRanks.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelGroupRanks
             * @static
             * @param {mindspore.straspb.ParallelGroupRanks.$Properties} m ParallelGroupRanks message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelGroupRanks.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.dim != null && m.dim.length) {
                    for (var i = 0; i < m.dim.length; ++i)
                        w.uint32(/* id 1, wireType 0 =*/8).uint32(m.dim[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelGroupRanks message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelGroupRanks
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupRanks & mindspore.straspb.ParallelGroupRanks.$Shape} ParallelGroupRanks
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelGroupRanks.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelGroupRanks();
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
                            if (u === 2) {
                                if (!(m.dim && m.dim.length))
                                    m.dim = [];
                                r.uint32s(m.dim);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.dim && m.dim.length))
                                m.dim = [];
                            m.dim.push(r.uint32());
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
             * Gets the type url for ParallelGroupRanks
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelGroupRanks
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelGroupRanks.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelGroupRanks";
            };

            return ParallelGroupRanks;
        })();

        straspb.ParallelGroupItem = (function() {

            /**
             * Properties of a ParallelGroupItem.
             * @typedef {Object} mindspore.straspb.ParallelGroupItem.$Properties
             * @property {string} groupName ParallelGroupItem groupName
             * @property {mindspore.straspb.ParallelGroupRanks.$Properties} parallelGroupRanks ParallelGroupItem parallelGroupRanks
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelGroupItem.
             * @memberof mindspore.straspb
             * @interface IParallelGroupItem
             * @augments mindspore.straspb.ParallelGroupItem.$Properties
             * @deprecated Use mindspore.straspb.ParallelGroupItem.$Properties instead.
             */

            /**
             * Shape of a ParallelGroupItem.
             * @typedef {mindspore.straspb.ParallelGroupItem.$Properties} mindspore.straspb.ParallelGroupItem.$Shape
             */

            /**
             * Constructs a new ParallelGroupItem.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelGroupItem.
             * @constructor
             * @param {mindspore.straspb.ParallelGroupItem.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelGroupItem = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelGroupItem groupName.
             * @member {string} groupName
             * @memberof mindspore.straspb.ParallelGroupItem
             * @instance
             */
            ParallelGroupItem.prototype.groupName = "";

            /**
             * ParallelGroupItem parallelGroupRanks.
             * @member {mindspore.straspb.ParallelGroupRanks.$Properties} parallelGroupRanks
             * @memberof mindspore.straspb.ParallelGroupItem
             * @instance
             */
            ParallelGroupItem.prototype.parallelGroupRanks = null;

            /**
             * Creates a new ParallelGroupItem instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelGroupItem
             * @static
             * @param {mindspore.straspb.ParallelGroupItem.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelGroupItem} ParallelGroupItem instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelGroupItem.$Shape): mindspore.straspb.ParallelGroupItem & mindspore.straspb.ParallelGroupItem.$Shape;
             *   (properties?: mindspore.straspb.ParallelGroupItem.$Properties): mindspore.straspb.ParallelGroupItem;
             * }}
             */
            ParallelGroupItem.create = function(properties) {
                return new ParallelGroupItem(properties);
            };

            /**
             * Encodes the specified ParallelGroupItem message. Does not implicitly {@link mindspore.straspb.ParallelGroupItem.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelGroupItem
             * @static
             * @param {mindspore.straspb.ParallelGroupItem.$Properties} m ParallelGroupItem message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelGroupItem.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                w.uint32(/* id 1, wireType 2 =*/10).string(m.groupName);
                $root.mindspore.straspb.ParallelGroupRanks.encode(m.parallelGroupRanks, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelGroupItem message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelGroupItem
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupItem & mindspore.straspb.ParallelGroupItem.$Shape} ParallelGroupItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelGroupItem.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelGroupItem();
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
                            m.groupName = r.string();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.parallelGroupRanks = $root.mindspore.straspb.ParallelGroupRanks.decode(r, r.size(), $undefined, q + 1, m.parallelGroupRanks);
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
                if (!$Object.hasOwnProperty.call(m, "groupName"))
                    throw $util.ProtocolError("missing required 'groupName'", { instance: m });
                if (!$Object.hasOwnProperty.call(m, "parallelGroupRanks"))
                    throw $util.ProtocolError("missing required 'parallelGroupRanks'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelGroupItem
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelGroupItem
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelGroupItem.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelGroupItem";
            };

            return ParallelGroupItem;
        })();

        straspb.ParallelGroupMap = (function() {

            /**
             * Properties of a ParallelGroupMap.
             * @typedef {Object} mindspore.straspb.ParallelGroupMap.$Properties
             * @property {Array.<mindspore.straspb.ParallelGroupItem.$Properties>|null} [parallelGroupItem] ParallelGroupMap parallelGroupItem
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelGroupMap.
             * @memberof mindspore.straspb
             * @interface IParallelGroupMap
             * @augments mindspore.straspb.ParallelGroupMap.$Properties
             * @deprecated Use mindspore.straspb.ParallelGroupMap.$Properties instead.
             */

            /**
             * Shape of a ParallelGroupMap.
             * @typedef {mindspore.straspb.ParallelGroupMap.$Properties} mindspore.straspb.ParallelGroupMap.$Shape
             */

            /**
             * Constructs a new ParallelGroupMap.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelGroupMap.
             * @constructor
             * @param {mindspore.straspb.ParallelGroupMap.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelGroupMap = function (p) {
                this.parallelGroupItem = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelGroupMap parallelGroupItem.
             * @member {Array.<mindspore.straspb.ParallelGroupItem.$Properties>} parallelGroupItem
             * @memberof mindspore.straspb.ParallelGroupMap
             * @instance
             */
            ParallelGroupMap.prototype.parallelGroupItem = $util.emptyArray;

            /**
             * Creates a new ParallelGroupMap instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelGroupMap
             * @static
             * @param {mindspore.straspb.ParallelGroupMap.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelGroupMap} ParallelGroupMap instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelGroupMap.$Shape): mindspore.straspb.ParallelGroupMap & mindspore.straspb.ParallelGroupMap.$Shape;
             *   (properties?: mindspore.straspb.ParallelGroupMap.$Properties): mindspore.straspb.ParallelGroupMap;
             * }}
             */
            ParallelGroupMap.create = function(properties) {
                return new ParallelGroupMap(properties);
            };

            /**
             * Encodes the specified ParallelGroupMap message. Does not implicitly {@link mindspore.straspb.ParallelGroupMap.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelGroupMap
             * @static
             * @param {mindspore.straspb.ParallelGroupMap.$Properties} m ParallelGroupMap message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelGroupMap.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.parallelGroupItem != null && m.parallelGroupItem.length) {
                    for (var i = 0; i < m.parallelGroupItem.length; ++i)
                        $root.mindspore.straspb.ParallelGroupItem.encode(m.parallelGroupItem[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelGroupMap message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelGroupMap
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupMap & mindspore.straspb.ParallelGroupMap.$Shape} ParallelGroupMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelGroupMap.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelGroupMap();
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
                            if (!(m.parallelGroupItem && m.parallelGroupItem.length))
                                m.parallelGroupItem = [];
                            m.parallelGroupItem.push($root.mindspore.straspb.ParallelGroupItem.decode(r, r.size(), $undefined, q + 1));
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
             * Gets the type url for ParallelGroupMap
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelGroupMap
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelGroupMap.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelGroupMap";
            };

            return ParallelGroupMap;
        })();

        straspb.ParallelStrategyMap = (function() {

            /**
             * Properties of a ParallelStrategyMap.
             * @typedef {Object} mindspore.straspb.ParallelStrategyMap.$Properties
             * @property {number} currentStage ParallelStrategyMap currentStage
             * @property {Array.<mindspore.straspb.ParallelStrategyItem.$Properties>|null} [parallelStrategyItem] ParallelStrategyMap parallelStrategyItem
             * @property {Array.<mindspore.straspb.ParallelLayoutItem.$Properties>|null} [parallelLayoutItem] ParallelStrategyMap parallelLayoutItem
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ParallelStrategyMap.
             * @memberof mindspore.straspb
             * @interface IParallelStrategyMap
             * @augments mindspore.straspb.ParallelStrategyMap.$Properties
             * @deprecated Use mindspore.straspb.ParallelStrategyMap.$Properties instead.
             */

            /**
             * Shape of a ParallelStrategyMap.
             * @typedef {mindspore.straspb.ParallelStrategyMap.$Properties} mindspore.straspb.ParallelStrategyMap.$Shape
             */

            /**
             * Constructs a new ParallelStrategyMap.
             * @memberof mindspore.straspb
             * @classdesc Represents a ParallelStrategyMap.
             * @constructor
             * @param {mindspore.straspb.ParallelStrategyMap.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ParallelStrategyMap = function (p) {
                this.parallelStrategyItem = [];
                this.parallelLayoutItem = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ParallelStrategyMap currentStage.
             * @member {number} currentStage
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @instance
             */
            ParallelStrategyMap.prototype.currentStage = 0;

            /**
             * ParallelStrategyMap parallelStrategyItem.
             * @member {Array.<mindspore.straspb.ParallelStrategyItem.$Properties>} parallelStrategyItem
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @instance
             */
            ParallelStrategyMap.prototype.parallelStrategyItem = $util.emptyArray;

            /**
             * ParallelStrategyMap parallelLayoutItem.
             * @member {Array.<mindspore.straspb.ParallelLayoutItem.$Properties>} parallelLayoutItem
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @instance
             */
            ParallelStrategyMap.prototype.parallelLayoutItem = $util.emptyArray;

            /**
             * Creates a new ParallelStrategyMap instance using the specified properties.
             * @function create
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @static
             * @param {mindspore.straspb.ParallelStrategyMap.$Properties=} [properties] Properties to set
             * @returns {mindspore.straspb.ParallelStrategyMap} ParallelStrategyMap instance
             * @type {{
             *   (properties: mindspore.straspb.ParallelStrategyMap.$Shape): mindspore.straspb.ParallelStrategyMap & mindspore.straspb.ParallelStrategyMap.$Shape;
             *   (properties?: mindspore.straspb.ParallelStrategyMap.$Properties): mindspore.straspb.ParallelStrategyMap;
             * }}
             */
            ParallelStrategyMap.create = function(properties) {
                return new ParallelStrategyMap(properties);
            };

            /**
             * Encodes the specified ParallelStrategyMap message. Does not implicitly {@link mindspore.straspb.ParallelStrategyMap.verify|verify} messages.
             * @function encode
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @static
             * @param {mindspore.straspb.ParallelStrategyMap.$Properties} m ParallelStrategyMap message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ParallelStrategyMap.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                w.uint32(/* id 1, wireType 0 =*/8).uint32(m.currentStage);
                if (m.parallelStrategyItem != null && m.parallelStrategyItem.length) {
                    for (var i = 0; i < m.parallelStrategyItem.length; ++i)
                        $root.mindspore.straspb.ParallelStrategyItem.encode(m.parallelStrategyItem[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.parallelLayoutItem != null && m.parallelLayoutItem.length) {
                    for (var i = 0; i < m.parallelLayoutItem.length; ++i)
                        $root.mindspore.straspb.ParallelLayoutItem.encode(m.parallelLayoutItem[i], w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ParallelStrategyMap message from the specified reader or buffer.
             * @function decode
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategyMap & mindspore.straspb.ParallelStrategyMap.$Shape} ParallelStrategyMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ParallelStrategyMap.decode = function (r, l, z, q, g) {
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
                m = g || new $root.mindspore.straspb.ParallelStrategyMap();
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
                            m.currentStage = r.uint32();
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.parallelStrategyItem && m.parallelStrategyItem.length))
                                m.parallelStrategyItem = [];
                            m.parallelStrategyItem.push($root.mindspore.straspb.ParallelStrategyItem.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if (!(m.parallelLayoutItem && m.parallelLayoutItem.length))
                                m.parallelLayoutItem = [];
                            m.parallelLayoutItem.push($root.mindspore.straspb.ParallelLayoutItem.decode(r, r.size(), $undefined, q + 1));
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
                if (!$Object.hasOwnProperty.call(m, "currentStage"))
                    throw $util.ProtocolError("missing required 'currentStage'", { instance: m });
                return m;
            };

            /**
             * Gets the type url for ParallelStrategyMap
             * @function getTypeUrl
             * @memberof mindspore.straspb.ParallelStrategyMap
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ParallelStrategyMap.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mindspore.straspb.ParallelStrategyMap";
            };

            return ParallelStrategyMap;
        })();

        return straspb;
    })();

    return mindspore;
})();

export {
  $root as default
};
