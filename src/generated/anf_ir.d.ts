import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace mindspore. */
export namespace mindspore {

    /** Namespace irpb. */
    namespace irpb {

        /** DataType enum. */
        enum DataType {

            /** DT_UNDEFINED value */
            DT_UNDEFINED = 0,

            /** DT_BOOL value */
            DT_BOOL = 1,

            /** DT_INT8 value */
            DT_INT8 = 2,

            /** DT_INT16 value */
            DT_INT16 = 3,

            /** DT_INT32 value */
            DT_INT32 = 4,

            /** DT_INT64 value */
            DT_INT64 = 5,

            /** DT_UINT8 value */
            DT_UINT8 = 6,

            /** DT_UINT16 value */
            DT_UINT16 = 7,

            /** DT_UINT32 value */
            DT_UINT32 = 8,

            /** DT_UINT64 value */
            DT_UINT64 = 9,

            /** DT_FLOAT16 value */
            DT_FLOAT16 = 10,

            /** DT_FLOAT32 value */
            DT_FLOAT32 = 11,

            /** DT_FLOAT64 value */
            DT_FLOAT64 = 12,

            /** DT_STRING value */
            DT_STRING = 13,

            /** DT_TENSOR value */
            DT_TENSOR = 14,

            /** DT_GRAPH value */
            DT_GRAPH = 15,

            /** DT_BOOLS value */
            DT_BOOLS = 16,

            /** DT_INTS8 value */
            DT_INTS8 = 17,

            /** DT_INTS16 value */
            DT_INTS16 = 18,

            /** DT_INTS32 value */
            DT_INTS32 = 19,

            /** DT_INTS64 value */
            DT_INTS64 = 20,

            /** DT_UINTS8 value */
            DT_UINTS8 = 21,

            /** DT_UINTS16 value */
            DT_UINTS16 = 22,

            /** DT_UINTS32 value */
            DT_UINTS32 = 23,

            /** DT_UINTS64 value */
            DT_UINTS64 = 24,

            /** DT_FLOATS16 value */
            DT_FLOATS16 = 25,

            /** DT_FLOATS32 value */
            DT_FLOATS32 = 26,

            /** DT_FLOATS64 value */
            DT_FLOATS64 = 27,

            /** DT_STRINGS value */
            DT_STRINGS = 28,

            /** DT_TENSORS value */
            DT_TENSORS = 29,

            /** DT_GRAPHS value */
            DT_GRAPHS = 30,

            /** DT_TUPLE value */
            DT_TUPLE = 31,

            /** DT_LIST value */
            DT_LIST = 32,

            /** DT_DICT value */
            DT_DICT = 33,

            /** DT_NONE value */
            DT_NONE = 34,

            /** DT_SYM_INST value */
            DT_SYM_INST = 35,

            /** DT_BASE_INT value */
            DT_BASE_INT = 36,

            /** DT_BASE_UINT value */
            DT_BASE_UINT = 37,

            /** DT_BASE_FLOAT value */
            DT_BASE_FLOAT = 38,

            /** DT_TYPE value */
            DT_TYPE = 39,

            /** DT_ANY value */
            DT_ANY = 40,

            /** DT_REFKEY value */
            DT_REFKEY = 41,

            /** DT_REF value */
            DT_REF = 42,

            /** DT_COMPLEX64 value */
            DT_COMPLEX64 = 43,

            /** DT_COMPLEX128 value */
            DT_COMPLEX128 = 44,

            /** DT_BASE_COMPLEX value */
            DT_BASE_COMPLEX = 45
        }

        /**
         * Properties of a TensorShapeProto.
         * @deprecated Use mindspore.irpb.TensorShapeProto.$Properties instead.
         */
        interface ITensorShapeProto extends mindspore.irpb.TensorShapeProto.$Properties {
        }

        /** Represents a TensorShapeProto. */
        class TensorShapeProto {

            /**
             * Constructs a new TensorShapeProto.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.irpb.TensorShapeProto.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TensorShapeProto dim. */
            dim: mindspore.irpb.TensorShapeProto.Dimension.$Properties[];

            /**
             * Creates a new TensorShapeProto instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TensorShapeProto instance
             */
            static create(properties: mindspore.irpb.TensorShapeProto.$Shape): mindspore.irpb.TensorShapeProto & mindspore.irpb.TensorShapeProto.$Shape;
            static create(properties?: mindspore.irpb.TensorShapeProto.$Properties): mindspore.irpb.TensorShapeProto;

            /**
             * Encodes the specified TensorShapeProto message. Does not implicitly {@link mindspore.irpb.TensorShapeProto.verify|verify} messages.
             * @param m TensorShapeProto message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.irpb.TensorShapeProto.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TensorShapeProto message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.irpb.TensorShapeProto & mindspore.irpb.TensorShapeProto.$Shape} TensorShapeProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.TensorShapeProto & mindspore.irpb.TensorShapeProto.$Shape;

            /**
             * Gets the type url for TensorShapeProto
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TensorShapeProto {

            /** Properties of a TensorShapeProto. */
            interface $Properties {

                /** TensorShapeProto dim */
                dim?: (mindspore.irpb.TensorShapeProto.Dimension.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TensorShapeProto. */
            type $Shape = mindspore.irpb.TensorShapeProto.$Properties;

            /**
             * Properties of a Dimension.
             * @deprecated Use mindspore.irpb.TensorShapeProto.Dimension.$Properties instead.
             */
            interface IDimension extends mindspore.irpb.TensorShapeProto.Dimension.$Properties {
            }

            /** Represents a Dimension. */
            class Dimension {

                /**
                 * Constructs a new Dimension.
                 * @param [p] Properties to set
                 */
                constructor(p?: mindspore.irpb.TensorShapeProto.Dimension.$Properties);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];

                /** Dimension size. */
                size: number;

                /** Dimension name. */
                name: string;

                /**
                 * Creates a new Dimension instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Dimension instance
                 */
                static create(properties: mindspore.irpb.TensorShapeProto.Dimension.$Shape): mindspore.irpb.TensorShapeProto.Dimension & mindspore.irpb.TensorShapeProto.Dimension.$Shape;
                static create(properties?: mindspore.irpb.TensorShapeProto.Dimension.$Properties): mindspore.irpb.TensorShapeProto.Dimension;

                /**
                 * Encodes the specified Dimension message. Does not implicitly {@link mindspore.irpb.TensorShapeProto.Dimension.verify|verify} messages.
                 * @param m Dimension message or plain object to encode
                 * @param [w] Writer to encode to
                 * @returns Writer
                 */
                static encode(m: mindspore.irpb.TensorShapeProto.Dimension.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

                /**
                 * Decodes a Dimension message from the specified reader or buffer.
                 * @param r Reader or buffer to decode from
                 * @param [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TensorShapeProto.Dimension & mindspore.irpb.TensorShapeProto.Dimension.$Shape} Dimension
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.TensorShapeProto.Dimension & mindspore.irpb.TensorShapeProto.Dimension.$Shape;

                /**
                 * Gets the type url for Dimension
                 * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns The type url
                 */
                static getTypeUrl(prefix?: string): string;
            }

            namespace Dimension {

                /** Properties of a Dimension. */
                interface $Properties {

                    /** Dimension size */
                    size?: (number|null);

                    /** Dimension name */
                    name?: (string|null);

                    /** Unknown fields preserved while decoding when enabled */
                    $unknowns?: Uint8Array[];
                }

                /** Shape of a Dimension. */
                type $Shape = mindspore.irpb.TensorShapeProto.Dimension.$Properties;
            }
        }

        /**
         * Properties of a TypeProto.
         * @deprecated Use mindspore.irpb.TypeProto.$Properties instead.
         */
        interface ITypeProto extends mindspore.irpb.TypeProto.$Properties {
        }

        /** Represents a TypeProto. */
        class TypeProto {

            /**
             * Constructs a new TypeProto.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.irpb.TypeProto.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TypeProto dataType. */
            dataType: mindspore.irpb.DataType;

            /** TypeProto tensorType. */
            tensorType?: (mindspore.irpb.TypeProto.Tensor.$Properties|null);

            /** TypeProto sequenceType. */
            sequenceType?: (mindspore.irpb.TypeProto.Sequence.$Properties|null);

            /** TypeProto value. */
            value?: ("tensorType"|"sequenceType");

            /**
             * Creates a new TypeProto instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TypeProto instance
             */
            static create(properties: mindspore.irpb.TypeProto.$Shape): mindspore.irpb.TypeProto & mindspore.irpb.TypeProto.$Shape;
            static create(properties?: mindspore.irpb.TypeProto.$Properties): mindspore.irpb.TypeProto;

            /**
             * Encodes the specified TypeProto message. Does not implicitly {@link mindspore.irpb.TypeProto.verify|verify} messages.
             * @param m TypeProto message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.irpb.TypeProto.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TypeProto message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.irpb.TypeProto & mindspore.irpb.TypeProto.$Shape} TypeProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.TypeProto & mindspore.irpb.TypeProto.$Shape;

            /**
             * Gets the type url for TypeProto
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TypeProto {

            /** Properties of a TypeProto. */
            interface $Properties {

                /** TypeProto dataType */
                dataType?: (mindspore.irpb.DataType|null);

                /** TypeProto tensorType */
                tensorType?: (mindspore.irpb.TypeProto.Tensor.$Properties|null);

                /** TypeProto sequenceType */
                sequenceType?: (mindspore.irpb.TypeProto.Sequence.$Properties|null);

                /** TypeProto value */
                value?: ("tensorType"|"sequenceType");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a TypeProto. */
            type $Shape = {
              dataType?: mindspore.irpb.DataType|null;
              tensorType?: mindspore.irpb.TypeProto.Tensor.$Shape|null;
              sequenceType?: mindspore.irpb.TypeProto.Sequence.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ value?: undefined; tensorType?: null; sequenceType?: null }|{ value?: "tensorType"; tensorType: mindspore.irpb.TypeProto.Tensor.$Shape; sequenceType?: null }|{ value?: "sequenceType"; tensorType?: null; sequenceType: mindspore.irpb.TypeProto.Sequence.$Shape })
            );

            /**
             * Properties of a Tensor.
             * @deprecated Use mindspore.irpb.TypeProto.Tensor.$Properties instead.
             */
            interface ITensor extends mindspore.irpb.TypeProto.Tensor.$Properties {
            }

            /** Represents a Tensor. */
            class Tensor {

                /**
                 * Constructs a new Tensor.
                 * @param [p] Properties to set
                 */
                constructor(p?: mindspore.irpb.TypeProto.Tensor.$Properties);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];

                /** Tensor elemType. */
                elemType: mindspore.irpb.DataType;

                /** Tensor shape. */
                shape?: (mindspore.irpb.TensorShapeProto.$Properties|null);

                /**
                 * Creates a new Tensor instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Tensor instance
                 */
                static create(properties: mindspore.irpb.TypeProto.Tensor.$Shape): mindspore.irpb.TypeProto.Tensor & mindspore.irpb.TypeProto.Tensor.$Shape;
                static create(properties?: mindspore.irpb.TypeProto.Tensor.$Properties): mindspore.irpb.TypeProto.Tensor;

                /**
                 * Encodes the specified Tensor message. Does not implicitly {@link mindspore.irpb.TypeProto.Tensor.verify|verify} messages.
                 * @param m Tensor message or plain object to encode
                 * @param [w] Writer to encode to
                 * @returns Writer
                 */
                static encode(m: mindspore.irpb.TypeProto.Tensor.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

                /**
                 * Decodes a Tensor message from the specified reader or buffer.
                 * @param r Reader or buffer to decode from
                 * @param [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TypeProto.Tensor & mindspore.irpb.TypeProto.Tensor.$Shape} Tensor
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.TypeProto.Tensor & mindspore.irpb.TypeProto.Tensor.$Shape;

                /**
                 * Gets the type url for Tensor
                 * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns The type url
                 */
                static getTypeUrl(prefix?: string): string;
            }

            namespace Tensor {

                /** Properties of a Tensor. */
                interface $Properties {

                    /** Tensor elemType */
                    elemType?: (mindspore.irpb.DataType|null);

                    /** Tensor shape */
                    shape?: (mindspore.irpb.TensorShapeProto.$Properties|null);

                    /** Unknown fields preserved while decoding when enabled */
                    $unknowns?: Uint8Array[];
                }

                /** Shape of a Tensor. */
                type $Shape = mindspore.irpb.TypeProto.Tensor.$Properties;
            }

            /**
             * Properties of a Sequence.
             * @deprecated Use mindspore.irpb.TypeProto.Sequence.$Properties instead.
             */
            interface ISequence extends mindspore.irpb.TypeProto.Sequence.$Properties {
            }

            /** Represents a Sequence. */
            class Sequence {

                /**
                 * Constructs a new Sequence.
                 * @param [p] Properties to set
                 */
                constructor(p?: mindspore.irpb.TypeProto.Sequence.$Properties);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];

                /** Sequence elemTypes. */
                elemTypes: mindspore.irpb.TypeProto.$Properties[];

                /**
                 * Creates a new Sequence instance using the specified properties.
                 * @param [properties] Properties to set
                 * @returns Sequence instance
                 */
                static create(properties: mindspore.irpb.TypeProto.Sequence.$Shape): mindspore.irpb.TypeProto.Sequence & mindspore.irpb.TypeProto.Sequence.$Shape;
                static create(properties?: mindspore.irpb.TypeProto.Sequence.$Properties): mindspore.irpb.TypeProto.Sequence;

                /**
                 * Encodes the specified Sequence message. Does not implicitly {@link mindspore.irpb.TypeProto.Sequence.verify|verify} messages.
                 * @param m Sequence message or plain object to encode
                 * @param [w] Writer to encode to
                 * @returns Writer
                 */
                static encode(m: mindspore.irpb.TypeProto.Sequence.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

                /**
                 * Decodes a Sequence message from the specified reader or buffer.
                 * @param r Reader or buffer to decode from
                 * @param [l] Message length if known beforehand
                 * @returns {mindspore.irpb.TypeProto.Sequence & mindspore.irpb.TypeProto.Sequence.$Shape} Sequence
                 * @throws {Error} If the payload is not a reader or valid buffer
                 * @throws {$protobuf.util.ProtocolError} If required fields are missing
                 */
                static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.TypeProto.Sequence & mindspore.irpb.TypeProto.Sequence.$Shape;

                /**
                 * Gets the type url for Sequence
                 * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
                 * @returns The type url
                 */
                static getTypeUrl(prefix?: string): string;
            }

            namespace Sequence {

                /** Properties of a Sequence. */
                interface $Properties {

                    /** Sequence elemTypes */
                    elemTypes?: (mindspore.irpb.TypeProto.$Properties[]|null);

                    /** Unknown fields preserved while decoding when enabled */
                    $unknowns?: Uint8Array[];
                }

                /** Shape of a Sequence. */
                type $Shape = {
                  elemTypes?: mindspore.irpb.TypeProto.$Shape[]|null;
                  $unknowns?: Uint8Array[];
                };
            }
        }

        /**
         * Properties of a ParameterProto.
         * @deprecated Use mindspore.irpb.ParameterProto.$Properties instead.
         */
        interface IParameterProto extends mindspore.irpb.ParameterProto.$Properties {
        }

        /** Represents a ParameterProto. */
        class ParameterProto {

            /**
             * Constructs a new ParameterProto.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.irpb.ParameterProto.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParameterProto name. */
            name: string;

            /** ParameterProto type. */
            type?: (mindspore.irpb.TypeProto.$Properties|null);

            /** ParameterProto defaultVal. */
            defaultVal: Uint8Array;

            /**
             * Creates a new ParameterProto instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParameterProto instance
             */
            static create(properties: mindspore.irpb.ParameterProto.$Shape): mindspore.irpb.ParameterProto & mindspore.irpb.ParameterProto.$Shape;
            static create(properties?: mindspore.irpb.ParameterProto.$Properties): mindspore.irpb.ParameterProto;

            /**
             * Encodes the specified ParameterProto message. Does not implicitly {@link mindspore.irpb.ParameterProto.verify|verify} messages.
             * @param m ParameterProto message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.irpb.ParameterProto.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParameterProto message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.irpb.ParameterProto & mindspore.irpb.ParameterProto.$Shape} ParameterProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.ParameterProto & mindspore.irpb.ParameterProto.$Shape;

            /**
             * Gets the type url for ParameterProto
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParameterProto {

            /** Properties of a ParameterProto. */
            interface $Properties {

                /** ParameterProto name */
                name?: (string|null);

                /** ParameterProto type */
                type?: (mindspore.irpb.TypeProto.$Properties|null);

                /** ParameterProto defaultVal */
                defaultVal?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParameterProto. */
            type $Shape = {
              name?: string|null;
              type?: mindspore.irpb.TypeProto.$Shape|null;
              defaultVal?: Uint8Array|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a GraphProto.
         * @deprecated Use mindspore.irpb.GraphProto.$Properties instead.
         */
        interface IGraphProto extends mindspore.irpb.GraphProto.$Properties {
        }

        /** Represents a GraphProto. */
        class GraphProto {

            /**
             * Constructs a new GraphProto.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.irpb.GraphProto.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GraphProto name. */
            name: string;

            /** GraphProto parameters. */
            parameters: mindspore.irpb.ParameterProto.$Properties[];

            /**
             * Creates a new GraphProto instance using the specified properties.
             * @param [properties] Properties to set
             * @returns GraphProto instance
             */
            static create(properties: mindspore.irpb.GraphProto.$Shape): mindspore.irpb.GraphProto & mindspore.irpb.GraphProto.$Shape;
            static create(properties?: mindspore.irpb.GraphProto.$Properties): mindspore.irpb.GraphProto;

            /**
             * Encodes the specified GraphProto message. Does not implicitly {@link mindspore.irpb.GraphProto.verify|verify} messages.
             * @param m GraphProto message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.irpb.GraphProto.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a GraphProto message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.irpb.GraphProto & mindspore.irpb.GraphProto.$Shape} GraphProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.GraphProto & mindspore.irpb.GraphProto.$Shape;

            /**
             * Gets the type url for GraphProto
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace GraphProto {

            /** Properties of a GraphProto. */
            interface $Properties {

                /** GraphProto name */
                name?: (string|null);

                /** GraphProto parameters */
                parameters?: (mindspore.irpb.ParameterProto.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GraphProto. */
            type $Shape = {
              name?: string|null;
              parameters?: mindspore.irpb.ParameterProto.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a ModelProto.
         * @deprecated Use mindspore.irpb.ModelProto.$Properties instead.
         */
        interface IModelProto extends mindspore.irpb.ModelProto.$Properties {
        }

        /** Represents a ModelProto. */
        class ModelProto {

            /**
             * Constructs a new ModelProto.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.irpb.ModelProto.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ModelProto irVersion. */
            irVersion: number;

            /** ModelProto domain. */
            domain: string;

            /** ModelProto modelVersion. */
            modelVersion: number;

            /** ModelProto graph. */
            graph?: (mindspore.irpb.GraphProto.$Properties|null);

            /**
             * Creates a new ModelProto instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ModelProto instance
             */
            static create(properties: mindspore.irpb.ModelProto.$Shape): mindspore.irpb.ModelProto & mindspore.irpb.ModelProto.$Shape;
            static create(properties?: mindspore.irpb.ModelProto.$Properties): mindspore.irpb.ModelProto;

            /**
             * Encodes the specified ModelProto message. Does not implicitly {@link mindspore.irpb.ModelProto.verify|verify} messages.
             * @param m ModelProto message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.irpb.ModelProto.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ModelProto message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.irpb.ModelProto & mindspore.irpb.ModelProto.$Shape} ModelProto
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.irpb.ModelProto & mindspore.irpb.ModelProto.$Shape;

            /**
             * Gets the type url for ModelProto
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ModelProto {

            /** Properties of a ModelProto. */
            interface $Properties {

                /** ModelProto irVersion */
                irVersion?: (number|null);

                /** ModelProto domain */
                domain?: (string|null);

                /** ModelProto modelVersion */
                modelVersion?: (number|null);

                /** ModelProto graph */
                graph?: (mindspore.irpb.GraphProto.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ModelProto. */
            type $Shape = {
              irVersion?: number|null;
              domain?: string|null;
              modelVersion?: number|null;
              graph?: mindspore.irpb.GraphProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }
    }
}
