import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace mindspore. */
export namespace mindspore {

    /** Namespace straspb. */
    namespace straspb {

        /**
         * Properties of a ParallelStrategy.
         * @deprecated Use mindspore.straspb.ParallelStrategy.$Properties instead.
         */
        interface IParallelStrategy extends mindspore.straspb.ParallelStrategy.$Properties {
        }

        /** Represents a ParallelStrategy. */
        class ParallelStrategy {

            /**
             * Constructs a new ParallelStrategy.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelStrategy.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelStrategy dim. */
            dim: number[];

            /**
             * Creates a new ParallelStrategy instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelStrategy instance
             */
            static create(properties: mindspore.straspb.ParallelStrategy.$Shape): mindspore.straspb.ParallelStrategy & mindspore.straspb.ParallelStrategy.$Shape;
            static create(properties?: mindspore.straspb.ParallelStrategy.$Properties): mindspore.straspb.ParallelStrategy;

            /**
             * Encodes the specified ParallelStrategy message. Does not implicitly {@link mindspore.straspb.ParallelStrategy.verify|verify} messages.
             * @param m ParallelStrategy message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelStrategy.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelStrategy message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategy & mindspore.straspb.ParallelStrategy.$Shape} ParallelStrategy
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelStrategy & mindspore.straspb.ParallelStrategy.$Shape;

            /**
             * Gets the type url for ParallelStrategy
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelStrategy {

            /** Properties of a ParallelStrategy. */
            interface $Properties {

                /** ParallelStrategy dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelStrategy. */
            type $Shape = mindspore.straspb.ParallelStrategy.$Properties;
        }

        /**
         * Properties of a ParallelStrategys.
         * @deprecated Use mindspore.straspb.ParallelStrategys.$Properties instead.
         */
        interface IParallelStrategys extends mindspore.straspb.ParallelStrategys.$Properties {
        }

        /** Represents a ParallelStrategys. */
        class ParallelStrategys {

            /**
             * Constructs a new ParallelStrategys.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelStrategys.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelStrategys stage. */
            stage: number;

            /** ParallelStrategys parallelStrategy. */
            parallelStrategy: mindspore.straspb.ParallelStrategy.$Properties[];

            /**
             * Creates a new ParallelStrategys instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelStrategys instance
             */
            static create(properties: mindspore.straspb.ParallelStrategys.$Shape): mindspore.straspb.ParallelStrategys & mindspore.straspb.ParallelStrategys.$Shape;
            static create(properties?: mindspore.straspb.ParallelStrategys.$Properties): mindspore.straspb.ParallelStrategys;

            /**
             * Encodes the specified ParallelStrategys message. Does not implicitly {@link mindspore.straspb.ParallelStrategys.verify|verify} messages.
             * @param m ParallelStrategys message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelStrategys.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelStrategys message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategys & mindspore.straspb.ParallelStrategys.$Shape} ParallelStrategys
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelStrategys & mindspore.straspb.ParallelStrategys.$Shape;

            /**
             * Gets the type url for ParallelStrategys
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelStrategys {

            /** Properties of a ParallelStrategys. */
            interface $Properties {

                /** ParallelStrategys stage */
                stage: number;

                /** ParallelStrategys parallelStrategy */
                parallelStrategy?: (mindspore.straspb.ParallelStrategy.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelStrategys. */
            type $Shape = mindspore.straspb.ParallelStrategys.$Properties;
        }

        /**
         * Properties of a ParallelStrategyItem.
         * @deprecated Use mindspore.straspb.ParallelStrategyItem.$Properties instead.
         */
        interface IParallelStrategyItem extends mindspore.straspb.ParallelStrategyItem.$Properties {
        }

        /** Represents a ParallelStrategyItem. */
        class ParallelStrategyItem {

            /**
             * Constructs a new ParallelStrategyItem.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelStrategyItem.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelStrategyItem nodeName. */
            nodeName: string;

            /** ParallelStrategyItem parallelStrategys. */
            parallelStrategys: mindspore.straspb.ParallelStrategys.$Properties;

            /**
             * Creates a new ParallelStrategyItem instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelStrategyItem instance
             */
            static create(properties: mindspore.straspb.ParallelStrategyItem.$Shape): mindspore.straspb.ParallelStrategyItem & mindspore.straspb.ParallelStrategyItem.$Shape;
            static create(properties?: mindspore.straspb.ParallelStrategyItem.$Properties): mindspore.straspb.ParallelStrategyItem;

            /**
             * Encodes the specified ParallelStrategyItem message. Does not implicitly {@link mindspore.straspb.ParallelStrategyItem.verify|verify} messages.
             * @param m ParallelStrategyItem message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelStrategyItem.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelStrategyItem message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategyItem & mindspore.straspb.ParallelStrategyItem.$Shape} ParallelStrategyItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelStrategyItem & mindspore.straspb.ParallelStrategyItem.$Shape;

            /**
             * Gets the type url for ParallelStrategyItem
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelStrategyItem {

            /** Properties of a ParallelStrategyItem. */
            interface $Properties {

                /** ParallelStrategyItem nodeName */
                nodeName: string;

                /** ParallelStrategyItem parallelStrategys */
                parallelStrategys: mindspore.straspb.ParallelStrategys.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelStrategyItem. */
            type $Shape = mindspore.straspb.ParallelStrategyItem.$Properties;
        }

        /**
         * Properties of a DevMatrix.
         * @deprecated Use mindspore.straspb.DevMatrix.$Properties instead.
         */
        interface IDevMatrix extends mindspore.straspb.DevMatrix.$Properties {
        }

        /** Represents a DevMatrix. */
        class DevMatrix {

            /**
             * Constructs a new DevMatrix.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.DevMatrix.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** DevMatrix dim. */
            dim: number[];

            /**
             * Creates a new DevMatrix instance using the specified properties.
             * @param [properties] Properties to set
             * @returns DevMatrix instance
             */
            static create(properties: mindspore.straspb.DevMatrix.$Shape): mindspore.straspb.DevMatrix & mindspore.straspb.DevMatrix.$Shape;
            static create(properties?: mindspore.straspb.DevMatrix.$Properties): mindspore.straspb.DevMatrix;

            /**
             * Encodes the specified DevMatrix message. Does not implicitly {@link mindspore.straspb.DevMatrix.verify|verify} messages.
             * @param m DevMatrix message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.DevMatrix.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a DevMatrix message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.DevMatrix & mindspore.straspb.DevMatrix.$Shape} DevMatrix
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.DevMatrix & mindspore.straspb.DevMatrix.$Shape;

            /**
             * Gets the type url for DevMatrix
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace DevMatrix {

            /** Properties of a DevMatrix. */
            interface $Properties {

                /** DevMatrix dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DevMatrix. */
            type $Shape = mindspore.straspb.DevMatrix.$Properties;
        }

        /**
         * Properties of a TensorMap.
         * @deprecated Use mindspore.straspb.TensorMap.$Properties instead.
         */
        interface ITensorMap extends mindspore.straspb.TensorMap.$Properties {
        }

        /** Represents a TensorMap. */
        class TensorMap {

            /**
             * Constructs a new TensorMap.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.TensorMap.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TensorMap dim. */
            dim: number[];

            /**
             * Creates a new TensorMap instance using the specified properties.
             * @param [properties] Properties to set
             * @returns TensorMap instance
             */
            static create(properties: mindspore.straspb.TensorMap.$Shape): mindspore.straspb.TensorMap & mindspore.straspb.TensorMap.$Shape;
            static create(properties?: mindspore.straspb.TensorMap.$Properties): mindspore.straspb.TensorMap;

            /**
             * Encodes the specified TensorMap message. Does not implicitly {@link mindspore.straspb.TensorMap.verify|verify} messages.
             * @param m TensorMap message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.TensorMap.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TensorMap message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.TensorMap & mindspore.straspb.TensorMap.$Shape} TensorMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.TensorMap & mindspore.straspb.TensorMap.$Shape;

            /**
             * Gets the type url for TensorMap
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace TensorMap {

            /** Properties of a TensorMap. */
            interface $Properties {

                /** TensorMap dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TensorMap. */
            type $Shape = mindspore.straspb.TensorMap.$Properties;
        }

        /**
         * Properties of a ParamSplitShape.
         * @deprecated Use mindspore.straspb.ParamSplitShape.$Properties instead.
         */
        interface IParamSplitShape extends mindspore.straspb.ParamSplitShape.$Properties {
        }

        /** Represents a ParamSplitShape. */
        class ParamSplitShape {

            /**
             * Constructs a new ParamSplitShape.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParamSplitShape.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParamSplitShape dim. */
            dim: number[];

            /**
             * Creates a new ParamSplitShape instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParamSplitShape instance
             */
            static create(properties: mindspore.straspb.ParamSplitShape.$Shape): mindspore.straspb.ParamSplitShape & mindspore.straspb.ParamSplitShape.$Shape;
            static create(properties?: mindspore.straspb.ParamSplitShape.$Properties): mindspore.straspb.ParamSplitShape;

            /**
             * Encodes the specified ParamSplitShape message. Does not implicitly {@link mindspore.straspb.ParamSplitShape.verify|verify} messages.
             * @param m ParamSplitShape message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParamSplitShape.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParamSplitShape message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParamSplitShape & mindspore.straspb.ParamSplitShape.$Shape} ParamSplitShape
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParamSplitShape & mindspore.straspb.ParamSplitShape.$Shape;

            /**
             * Gets the type url for ParamSplitShape
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParamSplitShape {

            /** Properties of a ParamSplitShape. */
            interface $Properties {

                /** ParamSplitShape dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParamSplitShape. */
            type $Shape = mindspore.straspb.ParamSplitShape.$Properties;
        }

        /**
         * Properties of an IndicesOffset.
         * @deprecated Use mindspore.straspb.IndicesOffset.$Properties instead.
         */
        interface IIndicesOffset extends mindspore.straspb.IndicesOffset.$Properties {
        }

        /** Represents an IndicesOffset. */
        class IndicesOffset {

            /**
             * Constructs a new IndicesOffset.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.IndicesOffset.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** IndicesOffset dim. */
            dim: number[];

            /**
             * Creates a new IndicesOffset instance using the specified properties.
             * @param [properties] Properties to set
             * @returns IndicesOffset instance
             */
            static create(properties: mindspore.straspb.IndicesOffset.$Shape): mindspore.straspb.IndicesOffset & mindspore.straspb.IndicesOffset.$Shape;
            static create(properties?: mindspore.straspb.IndicesOffset.$Properties): mindspore.straspb.IndicesOffset;

            /**
             * Encodes the specified IndicesOffset message. Does not implicitly {@link mindspore.straspb.IndicesOffset.verify|verify} messages.
             * @param m IndicesOffset message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.IndicesOffset.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an IndicesOffset message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.IndicesOffset & mindspore.straspb.IndicesOffset.$Shape} IndicesOffset
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.IndicesOffset & mindspore.straspb.IndicesOffset.$Shape;

            /**
             * Gets the type url for IndicesOffset
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace IndicesOffset {

            /** Properties of an IndicesOffset. */
            interface $Properties {

                /** IndicesOffset dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an IndicesOffset. */
            type $Shape = mindspore.straspb.IndicesOffset.$Properties;
        }

        /**
         * Properties of a ParallelLayouts.
         * @deprecated Use mindspore.straspb.ParallelLayouts.$Properties instead.
         */
        interface IParallelLayouts extends mindspore.straspb.ParallelLayouts.$Properties {
        }

        /** Represents a ParallelLayouts. */
        class ParallelLayouts {

            /**
             * Constructs a new ParallelLayouts.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelLayouts.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelLayouts devMatrix. */
            devMatrix: mindspore.straspb.DevMatrix.$Properties[];

            /** ParallelLayouts tensorMap. */
            tensorMap: mindspore.straspb.TensorMap.$Properties[];

            /** ParallelLayouts paramSplitShape. */
            paramSplitShape: mindspore.straspb.ParamSplitShape.$Properties[];

            /** ParallelLayouts indicesOffset. */
            indicesOffset: mindspore.straspb.IndicesOffset.$Properties[];

            /** ParallelLayouts field. */
            field: number;

            /** ParallelLayouts optWeightShardStep. */
            optWeightShardStep: number;

            /** ParallelLayouts optWeightShardSize. */
            optWeightShardSize: number;

            /**
             * Creates a new ParallelLayouts instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelLayouts instance
             */
            static create(properties: mindspore.straspb.ParallelLayouts.$Shape): mindspore.straspb.ParallelLayouts & mindspore.straspb.ParallelLayouts.$Shape;
            static create(properties?: mindspore.straspb.ParallelLayouts.$Properties): mindspore.straspb.ParallelLayouts;

            /**
             * Encodes the specified ParallelLayouts message. Does not implicitly {@link mindspore.straspb.ParallelLayouts.verify|verify} messages.
             * @param m ParallelLayouts message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelLayouts.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelLayouts message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelLayouts & mindspore.straspb.ParallelLayouts.$Shape} ParallelLayouts
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelLayouts & mindspore.straspb.ParallelLayouts.$Shape;

            /**
             * Gets the type url for ParallelLayouts
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelLayouts {

            /** Properties of a ParallelLayouts. */
            interface $Properties {

                /** ParallelLayouts devMatrix */
                devMatrix?: (mindspore.straspb.DevMatrix.$Properties[]|null);

                /** ParallelLayouts tensorMap */
                tensorMap?: (mindspore.straspb.TensorMap.$Properties[]|null);

                /** ParallelLayouts paramSplitShape */
                paramSplitShape?: (mindspore.straspb.ParamSplitShape.$Properties[]|null);

                /** ParallelLayouts indicesOffset */
                indicesOffset?: (mindspore.straspb.IndicesOffset.$Properties[]|null);

                /** ParallelLayouts field */
                field: number;

                /** ParallelLayouts optWeightShardStep */
                optWeightShardStep?: (number|null);

                /** ParallelLayouts optWeightShardSize */
                optWeightShardSize?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelLayouts. */
            type $Shape = mindspore.straspb.ParallelLayouts.$Properties;
        }

        /**
         * Properties of a ParallelLayoutItem.
         * @deprecated Use mindspore.straspb.ParallelLayoutItem.$Properties instead.
         */
        interface IParallelLayoutItem extends mindspore.straspb.ParallelLayoutItem.$Properties {
        }

        /** Represents a ParallelLayoutItem. */
        class ParallelLayoutItem {

            /**
             * Constructs a new ParallelLayoutItem.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelLayoutItem.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelLayoutItem paramName. */
            paramName: string;

            /** ParallelLayoutItem parallelLayouts. */
            parallelLayouts: mindspore.straspb.ParallelLayouts.$Properties;

            /**
             * Creates a new ParallelLayoutItem instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelLayoutItem instance
             */
            static create(properties: mindspore.straspb.ParallelLayoutItem.$Shape): mindspore.straspb.ParallelLayoutItem & mindspore.straspb.ParallelLayoutItem.$Shape;
            static create(properties?: mindspore.straspb.ParallelLayoutItem.$Properties): mindspore.straspb.ParallelLayoutItem;

            /**
             * Encodes the specified ParallelLayoutItem message. Does not implicitly {@link mindspore.straspb.ParallelLayoutItem.verify|verify} messages.
             * @param m ParallelLayoutItem message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelLayoutItem.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelLayoutItem message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelLayoutItem & mindspore.straspb.ParallelLayoutItem.$Shape} ParallelLayoutItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelLayoutItem & mindspore.straspb.ParallelLayoutItem.$Shape;

            /**
             * Gets the type url for ParallelLayoutItem
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelLayoutItem {

            /** Properties of a ParallelLayoutItem. */
            interface $Properties {

                /** ParallelLayoutItem paramName */
                paramName: string;

                /** ParallelLayoutItem parallelLayouts */
                parallelLayouts: mindspore.straspb.ParallelLayouts.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelLayoutItem. */
            type $Shape = mindspore.straspb.ParallelLayoutItem.$Properties;
        }

        /**
         * Properties of a ParallelGroupRanks.
         * @deprecated Use mindspore.straspb.ParallelGroupRanks.$Properties instead.
         */
        interface IParallelGroupRanks extends mindspore.straspb.ParallelGroupRanks.$Properties {
        }

        /** Represents a ParallelGroupRanks. */
        class ParallelGroupRanks {

            /**
             * Constructs a new ParallelGroupRanks.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelGroupRanks.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelGroupRanks dim. */
            dim: number[];

            /**
             * Creates a new ParallelGroupRanks instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelGroupRanks instance
             */
            static create(properties: mindspore.straspb.ParallelGroupRanks.$Shape): mindspore.straspb.ParallelGroupRanks & mindspore.straspb.ParallelGroupRanks.$Shape;
            static create(properties?: mindspore.straspb.ParallelGroupRanks.$Properties): mindspore.straspb.ParallelGroupRanks;

            /**
             * Encodes the specified ParallelGroupRanks message. Does not implicitly {@link mindspore.straspb.ParallelGroupRanks.verify|verify} messages.
             * @param m ParallelGroupRanks message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelGroupRanks.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelGroupRanks message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupRanks & mindspore.straspb.ParallelGroupRanks.$Shape} ParallelGroupRanks
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelGroupRanks & mindspore.straspb.ParallelGroupRanks.$Shape;

            /**
             * Gets the type url for ParallelGroupRanks
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelGroupRanks {

            /** Properties of a ParallelGroupRanks. */
            interface $Properties {

                /** ParallelGroupRanks dim */
                dim?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelGroupRanks. */
            type $Shape = mindspore.straspb.ParallelGroupRanks.$Properties;
        }

        /**
         * Properties of a ParallelGroupItem.
         * @deprecated Use mindspore.straspb.ParallelGroupItem.$Properties instead.
         */
        interface IParallelGroupItem extends mindspore.straspb.ParallelGroupItem.$Properties {
        }

        /** Represents a ParallelGroupItem. */
        class ParallelGroupItem {

            /**
             * Constructs a new ParallelGroupItem.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelGroupItem.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelGroupItem groupName. */
            groupName: string;

            /** ParallelGroupItem parallelGroupRanks. */
            parallelGroupRanks: mindspore.straspb.ParallelGroupRanks.$Properties;

            /**
             * Creates a new ParallelGroupItem instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelGroupItem instance
             */
            static create(properties: mindspore.straspb.ParallelGroupItem.$Shape): mindspore.straspb.ParallelGroupItem & mindspore.straspb.ParallelGroupItem.$Shape;
            static create(properties?: mindspore.straspb.ParallelGroupItem.$Properties): mindspore.straspb.ParallelGroupItem;

            /**
             * Encodes the specified ParallelGroupItem message. Does not implicitly {@link mindspore.straspb.ParallelGroupItem.verify|verify} messages.
             * @param m ParallelGroupItem message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelGroupItem.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelGroupItem message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupItem & mindspore.straspb.ParallelGroupItem.$Shape} ParallelGroupItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelGroupItem & mindspore.straspb.ParallelGroupItem.$Shape;

            /**
             * Gets the type url for ParallelGroupItem
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelGroupItem {

            /** Properties of a ParallelGroupItem. */
            interface $Properties {

                /** ParallelGroupItem groupName */
                groupName: string;

                /** ParallelGroupItem parallelGroupRanks */
                parallelGroupRanks: mindspore.straspb.ParallelGroupRanks.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelGroupItem. */
            type $Shape = mindspore.straspb.ParallelGroupItem.$Properties;
        }

        /**
         * Properties of a ParallelGroupMap.
         * @deprecated Use mindspore.straspb.ParallelGroupMap.$Properties instead.
         */
        interface IParallelGroupMap extends mindspore.straspb.ParallelGroupMap.$Properties {
        }

        /** Represents a ParallelGroupMap. */
        class ParallelGroupMap {

            /**
             * Constructs a new ParallelGroupMap.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelGroupMap.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelGroupMap parallelGroupItem. */
            parallelGroupItem: mindspore.straspb.ParallelGroupItem.$Properties[];

            /**
             * Creates a new ParallelGroupMap instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelGroupMap instance
             */
            static create(properties: mindspore.straspb.ParallelGroupMap.$Shape): mindspore.straspb.ParallelGroupMap & mindspore.straspb.ParallelGroupMap.$Shape;
            static create(properties?: mindspore.straspb.ParallelGroupMap.$Properties): mindspore.straspb.ParallelGroupMap;

            /**
             * Encodes the specified ParallelGroupMap message. Does not implicitly {@link mindspore.straspb.ParallelGroupMap.verify|verify} messages.
             * @param m ParallelGroupMap message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelGroupMap.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelGroupMap message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelGroupMap & mindspore.straspb.ParallelGroupMap.$Shape} ParallelGroupMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelGroupMap & mindspore.straspb.ParallelGroupMap.$Shape;

            /**
             * Gets the type url for ParallelGroupMap
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelGroupMap {

            /** Properties of a ParallelGroupMap. */
            interface $Properties {

                /** ParallelGroupMap parallelGroupItem */
                parallelGroupItem?: (mindspore.straspb.ParallelGroupItem.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelGroupMap. */
            type $Shape = mindspore.straspb.ParallelGroupMap.$Properties;
        }

        /**
         * Properties of a ParallelStrategyMap.
         * @deprecated Use mindspore.straspb.ParallelStrategyMap.$Properties instead.
         */
        interface IParallelStrategyMap extends mindspore.straspb.ParallelStrategyMap.$Properties {
        }

        /** Represents a ParallelStrategyMap. */
        class ParallelStrategyMap {

            /**
             * Constructs a new ParallelStrategyMap.
             * @param [p] Properties to set
             */
            constructor(p?: mindspore.straspb.ParallelStrategyMap.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ParallelStrategyMap currentStage. */
            currentStage: number;

            /** ParallelStrategyMap parallelStrategyItem. */
            parallelStrategyItem: mindspore.straspb.ParallelStrategyItem.$Properties[];

            /** ParallelStrategyMap parallelLayoutItem. */
            parallelLayoutItem: mindspore.straspb.ParallelLayoutItem.$Properties[];

            /**
             * Creates a new ParallelStrategyMap instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ParallelStrategyMap instance
             */
            static create(properties: mindspore.straspb.ParallelStrategyMap.$Shape): mindspore.straspb.ParallelStrategyMap & mindspore.straspb.ParallelStrategyMap.$Shape;
            static create(properties?: mindspore.straspb.ParallelStrategyMap.$Properties): mindspore.straspb.ParallelStrategyMap;

            /**
             * Encodes the specified ParallelStrategyMap message. Does not implicitly {@link mindspore.straspb.ParallelStrategyMap.verify|verify} messages.
             * @param m ParallelStrategyMap message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: mindspore.straspb.ParallelStrategyMap.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ParallelStrategyMap message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {mindspore.straspb.ParallelStrategyMap & mindspore.straspb.ParallelStrategyMap.$Shape} ParallelStrategyMap
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): mindspore.straspb.ParallelStrategyMap & mindspore.straspb.ParallelStrategyMap.$Shape;

            /**
             * Gets the type url for ParallelStrategyMap
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ParallelStrategyMap {

            /** Properties of a ParallelStrategyMap. */
            interface $Properties {

                /** ParallelStrategyMap currentStage */
                currentStage: number;

                /** ParallelStrategyMap parallelStrategyItem */
                parallelStrategyItem?: (mindspore.straspb.ParallelStrategyItem.$Properties[]|null);

                /** ParallelStrategyMap parallelLayoutItem */
                parallelLayoutItem?: (mindspore.straspb.ParallelLayoutItem.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ParallelStrategyMap. */
            type $Shape = mindspore.straspb.ParallelStrategyMap.$Properties;
        }
    }
}
